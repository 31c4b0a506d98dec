package huanxin

import "testing"

func TestParseCenti(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"85", 8500, true}, {"85.3", 8530, true}, {"85.32", 8532, true}, {"0.01", 1, true}, {".5", 50, true},
		{"1,085.32", 108532, true}, {" 12.00 ", 1200, true}, {"-3.5", -350, true},
		{"85.325", 0, false}, {"", 0, false}, {"abc", 0, false}, {"1.2.3", 0, false}, {"1e3", 0, false},
		{"85.", 8500, true}, {".", 0, false}, {"1234567890123456", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseCenti(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseCenti(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for _, v := range []int64{0, 1, 99, 100, 8532, -350, 123456789} {
		if back, ok := ParseCenti(FormatCenti(v)); !ok || back != v {
			t.Errorf("round trip %d -> %q -> %d", v, FormatCenti(v), back)
		}
	}
	if Area(8532).String() != "85.32" || Money(-5).String() != "-0.05" {
		t.Error("String formats")
	}
}

func TestScopeCoversPath(t *testing.T) {
	s := Scope{Paths: []string{"/1/2/"}}
	for path, want := range map[string]bool{"/1/2/": true, "/1/2/7/": true, "/1/3/": false, "/1/": false, "/1/22/": false} {
		if got := s.CoversPath(path); got != want {
			t.Errorf("CoversPath(%q) = %v", path, got)
		}
	}
	if !(Scope{All: true}).CoversPath("/9/") {
		t.Error("All scope")
	}
}
