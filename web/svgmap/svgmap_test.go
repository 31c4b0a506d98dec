package svgmap

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const square = `[[[121.40,31.20],[121.41,31.20],[121.41,31.21],[121.40,31.21],[121.40,31.20]]]`

func TestParseGeoJSONPolygon(t *testing.T) {
	for _, c := range []struct {
		name, in string
		points   int    // for valid input
		err      string // a part of the error message for invalid input
	}{
		{"polygon", `{"type":"Polygon","coordinates":` + square + `}`, 5, ""},
		{"feature", `{"type":"Feature","properties":{"name":"幸福里"},"geometry":{"type":"Polygon","coordinates":` + square + `}}`, 5, ""},
		{"hole and altitude", `{"type":"Polygon","coordinates":[[[0,0,5],[1,0,5],[0,1,5],[0,0,5]],[[0.1,0.1],[0.2,0.1],[0.1,0.2],[0.1,0.1]]]}`, 4, ""},
		{"clockwise", `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,0],[0,0]]]}`, 4, ""},
		{"spaces", "  \n{\"type\":\"Polygon\",\"coordinates\":" + square + "}\n", 5, ""},
		{"empty", "   ", 0, "边界为空"},
		{"not json", `{"type":"Polygon",`, 0, "不是有效的 JSON"},
		{"array", square, 0, "必须是 GeoJSON 对象"},
		{"no type", `{"coordinates":` + square + `}`, 0, "缺少 type"},
		{"point", `{"type":"Point","coordinates":[121.4,31.2]}`, 0, "不能是 Point"},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[` + square + `]}`, 0, "不能是 MultiPolygon"},
		{"collection", `{"type":"FeatureCollection","features":[]}`, 0, "不能是 FeatureCollection"},
		{"feature without geometry", `{"type":"Feature","geometry":null}`, 0, "没有几何图形"},
		{"feature of a line", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}`, 0, "不能是 LineString"},
		{"nested feature", `{"type":"Feature","geometry":{"type":"Feature","geometry":{"type":"Polygon","coordinates":` + square + `}}}`, 0, "嵌套的 Feature"},
		{"geometry not an object", `{"type":"Feature","geometry":[1]}`, 0, "必须是 GeoJSON 对象"},
		{"no rings", `{"type":"Polygon","coordinates":[]}`, 0, "数字数组"},
		{"strings", `{"type":"Polygon","coordinates":[[["a","b"]]]}`, 0, "数字数组"},
		{"too few", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, 0, "至少需要 4 个坐标"},
		{"short position", `{"type":"Polygon","coordinates":[[[0,0],[1],[0,1],[0,0]]]}`, 0, "第 2 个坐标须包含经度和纬度"},
		{"longitude", `{"type":"Polygon","coordinates":[[[0,0],[181,0],[0,1],[0,0]]]}`, 0, "第 2 个坐标的经度"},
		{"swapped", `{"type":"Polygon","coordinates":[[[31.2,121.4],[31.3,121.4],[31.3,121.5],[31.2,121.4]]]}`, 0, "第 1 个坐标的纬度"},
		{"open", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, 0, "未闭合"},
		{"flat", `{"type":"Polygon","coordinates":[[[0.1,0.1],[0.2,0.2],[0.3,0.3],[0.1,0.1]]]}`, 0, "面积为零"},
		{"too big", `{"type":"Polygon","coordinates":[[` + strings.Repeat("[0,0],", 1<<18) + `[0,0]]]}`, 0, "边界过大"},
		{"too many points", `{"type":"Polygon","coordinates":[[` + strings.Repeat("[0,0],", maxPoints) + `[0,0]]]}`, 0, "坐标过多"},
	} {
		ring, err := ParseGeoJSONPolygon(c.in)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err == "" && len(ring) != c.points:
			t.Errorf("%s: %d points, want %d", c.name, len(ring), c.points)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.err)
		}
	}
	ring, _ := ParseGeoJSONPolygon(`{"type":"Polygon","coordinates":` + square + `}`)
	if ring[1] != [2]float64{121.41, 31.20} {
		t.Errorf("ring[1] = %v", ring[1])
	}
}

// svgInfo decodes an SVG, failing the test if it is not well-formed XML.
type svgInfo struct {
	root  xml.StartElement
	count map[string]int    // elements by name
	texts map[string]string // text content by enclosing element name (last wins)
	pin   [2]float64        // tip of the pin path
}

var pinPath = regexp.MustCompile(`^M([-0-9.]+),([-0-9.]+) `)

func decodeSVG(t testing.TB, s string) svgInfo {
	t.Helper()
	info := svgInfo{count: map[string]int{}, texts: map[string]string{}}
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if info.root.Name.Local != "" {
					t.Fatalf("more than one root element")
				}
				info.root = tok.Copy()
			}
			stack = append(stack, tok.Name.Local)
			info.count[tok.Name.Local]++
			for _, a := range tok.Attr {
				if a.Name.Local == "d" && stack[len(stack)-2] == "g" && strings.Contains(a.Value, "a8,8") {
					m := pinPath.FindStringSubmatch(a.Value)
					info.pin[0], _ = strconv.ParseFloat(m[1], 64)
					info.pin[1], _ = strconv.ParseFloat(m[2], 64)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				info.texts[stack[len(stack)-1]] += string(tok)
			}
		}
	}
	return info
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestRender(t *testing.T) {
	ring, err := ParseGeoJSONPolygon(`{"type":"Polygon","coordinates":` + square + `}`)
	if err != nil {
		t.Fatal(err)
	}
	pin := [2]float64{121.405, 31.205}
	var buf bytes.Buffer
	err = Render(&buf, Map{Title: `幸福里 & "3号院" <东>`, Boundary: ring, Pin: &pin,
		Neighbours: [][2]float64{{121.402, 31.208}, {121.409, 31.201}}})
	if err != nil {
		t.Fatal(err)
	}
	info := decodeSVG(t, buf.String())
	if info.root.Name.Local != "svg" || info.root.Name.Space != "http://www.w3.org/2000/svg" ||
		attr(info.root, "viewBox") != "0 0 320 240" || attr(info.root, "role") != "img" ||
		attr(info.root, "aria-label") != `幸福里 & "3号院" <东>` {
		t.Errorf("root %+v", info.root)
	}
	if info.texts["title"] != `幸福里 & "3号院" <东>` {
		t.Errorf("pin title %q", info.texts["title"])
	}
	if info.count["polygon"] != 1 || info.count["circle"] != 3 || info.count["text"] != 2 {
		t.Errorf("elements %v", info.count)
	}
	// The pin is in the middle of the square, whose 1112 m of latitude fill
	// the 184 px high box: 100 px are 604 m, rounded down to 500 m.
	if math.Abs(info.pin[0]-152) > 0.1 || math.Abs(info.pin[1]-112) > 0.1 {
		t.Errorf("pin at %v, want (152, 112)", info.pin)
	}
	if !strings.Contains(buf.String(), ">500 m</text>") || !strings.Contains(buf.String(), ">N</text>") {
		t.Errorf("no scale bar or north arrow:\n%s", buf.String())
	}
}

func TestRenderScale(t *testing.T) {
	for _, c := range []struct {
		name  string
		m     Map
		label string
	}{
		{"lone pin", Map{Title: "a", Pin: &[2]float64{116.4, 39.9}}, "100 m"},                       // 200 m in 184 px
		{"spread", Map{Title: "a", Neighbours: [][2]float64{{116.4, 39.9}, {116.5, 39.9}}}, "2 km"}, // 8530 m in 264 px
		{"equator", Map{Title: "a", Neighbours: [][2]float64{{0, 0}, {0.01, 0}}}, "200 m"},          // 1112 m in 264 px
	} {
		var buf bytes.Buffer
		if err := Render(&buf, c.m); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		decodeSVG(t, buf.String())
		if !strings.Contains(buf.String(), ">"+c.label+"</text>") {
			t.Errorf("%s: scale bar is not %s:\n%s", c.name, c.label, buf.String())
		}
	}
}

func TestRenderRejects(t *testing.T) {
	for name, m := range map[string]Map{
		"nothing":   {Title: "x"},
		"latitude":  {Pin: &[2]float64{121, 91}},
		"longitude": {Neighbours: [][2]float64{{-181, 0}}},
		"NaN":       {Boundary: [][2]float64{{math.NaN(), 0}}},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, m); err == nil || buf.Len() != 0 {
			t.Errorf("%s: err %v, wrote %d bytes", name, err, buf.Len())
		}
	}
}

func TestNiceLength(t *testing.T) {
	for in, want := range map[float64]float64{1: 1, 1.9: 1, 2: 2, 4.99: 2, 5: 5, 99: 50, 100: 100, 420: 200, 7300: 5000} {
		if got := niceLength(in); got != want {
			t.Errorf("niceLength(%g) = %g, want %g", in, got, want)
		}
	}
}

func FuzzParseGeoJSONPolygon(f *testing.F) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":` + square + `}`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1],[0,0]]]}}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`,
		`{"type":"Feature","geometry":null}`,
		`[]`, `null`, `{"type":"Polygon","coordinates":[[[1e400,0]]]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ring, err := ParseGeoJSONPolygon(s)
		if err != nil {
			if ring != nil || err.Error() == "" {
				t.Fatalf("ring %v with error %q", ring, err)
			}
			return
		}
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			t.Fatalf("accepted ring %v", ring)
		}
		// What is accepted can be drawn, and survives a round trip.
		var buf bytes.Buffer
		if err := Render(&buf, Map{Title: "t", Boundary: ring}); err != nil {
			t.Fatal(err)
		}
		decodeSVG(t, buf.String())
		b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}})
		again, err := ParseGeoJSONPolygon(string(b))
		if err != nil || len(again) != len(ring) {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		for i := range ring {
			if again[i] != ring[i] {
				t.Fatalf("round trip changed point %d: %v → %v", i, ring[i], again[i])
			}
		}
	})
}
