package estate

import "testing"

func TestParseBoundary(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[120.1,30.2],[120.2,30.2],[120.2,30.3],[120.1,30.2]]]}`
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"polygon", square, true},
		{"feature", `{"type":"Feature","geometry":` + square + `}`, true},
		{"not json", `{`, false},
		{"point", `{"type":"Point","coordinates":[120,30]}`, false},
		{"open ring", `{"type":"Polygon","coordinates":[[[120.1,30.2],[120.2,30.2],[120.2,30.3],[120.1,30.3]]]}`, false},
		{"too few", `{"type":"Polygon","coordinates":[[[120.1,30.2],[120.2,30.2],[120.1,30.2]]]}`, false},
		{"out of range", `{"type":"Polygon","coordinates":[[[220.1,30.2],[120.2,30.2],[120.2,30.3],[220.1,30.2]]]}`, false},
	}
	for _, c := range cases {
		if _, err := ParseBoundary(c.in); (err == nil) != c.ok {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
}

func TestCheckPart(t *testing.T) {
	ok := Part{Room: "301", Floor: 3, Area: 1}
	if f := CheckPart(&ok); len(f) != 0 || ok.Kind != KindDwelling || ok.AreaSource != SourceRegister {
		t.Fatalf("valid part: %v %+v", f, ok)
	}
	for name, p := range map[string]Part{
		"zero area":  {Room: "1", Area: 0},
		"no room":    {Room: " ", Area: 100},
		"floor -6":   {Room: "1", Area: 100, Floor: -6},
		"floor 201":  {Room: "1", Area: 100, Floor: 201},
		"bad kind":   {Room: "1", Area: 100, Kind: "garage"},
		"bad source": {Room: "1", Area: 100, AreaSource: "guess"},
	} {
		if f := CheckPart(&p); len(f) != 1 {
			t.Errorf("%s: %v", name, f)
		}
	}
	if !(Part{Sold: true, Delivered: false}).HeldByDeveloper() || (Part{Sold: true, Delivered: true}).HeldByDeveloper() {
		t.Error("HeldByDeveloper")
	}
}

func TestCheckOwner(t *testing.T) {
	cases := []struct {
		name     string
		o        Owner
		creating bool
		fields   int
	}{
		{"valid person", Owner{Name: "张三", IDNumber: "11010519491231002x", Phone: "+86 138 1234 5678"}, true, 0},
		{"missing id on create", Owner{Name: "张三"}, true, 1},
		{"missing id on update", Owner{Name: "张三"}, false, 0},
		{"bad check digit", Owner{Name: "张三", IDNumber: "110105194912310021"}, true, 1},
		{"organisation code", Owner{Name: "某厂", Kind: OwnerOrganisation, IDNumber: "91330100MA2XXXXX0X"}, true, 0},
		{"short id", Owner{Name: "x", IDNumber: "123"}, true, 1},
		{"bad phone", Owner{Name: "x", IDNumber: "P1234567", Phone: "12"}, true, 1},
	}
	for _, c := range cases {
		f := CheckOwner(&c.o, c.creating)
		if len(f) != c.fields {
			t.Errorf("%s: %v", c.name, f)
		}
	}
	o := Owner{Name: "张三", IDNumber: " 11010519491231002x ", Phone: "+86 138 1234 5678"}
	CheckOwner(&o, true)
	if o.IDNumber != "11010519491231002X" || o.Phone != "13812345678" {
		t.Errorf("not normalized: %+v", o)
	}
}
