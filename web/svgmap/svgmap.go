// Package svgmap draws a small map of an estate as SVG on the server. The
// intranet has no map tiles, so the map shows only what the register knows:
// the estate's boundary, its location pin, nearby estates as dots, a scale
// bar and a north arrow. The output can be served as image/svg+xml or
// embedded inline in a page (as template.HTML; it holds no ids, scripts or
// style attributes, so several maps may share a page under a strict CSP).
package svgmap

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Width and Height are the size of the drawing (its viewBox) in pixels.
const (
	Width  = 320
	Height = 240
)

// The points are fitted into the box [margin, Width-aside] × [margin,
// Height-aside]; the north arrow and the scale bar sit outside it.
const (
	margin       = 20.0
	aside        = 36.0
	minSpan      = 200.0 // metres shown at least, so a lone pin is not zoomed in endlessly
	metresPerDeg = 6371008.8 * math.Pi / 180
)

// Map is what to draw. Coordinates are [longitude, latitude] in degrees, as
// in GeoJSON.
type Map struct {
	Title      string       // the estate's name: the pin's tooltip and the map's accessible name
	Boundary   [][2]float64 // the estate's outline (a ring, e.g. from ParseGeoJSONPolygon); optional
	Pin        *[2]float64  // the estate's location; optional
	Neighbours [][2]float64 // other estates nearby, drawn as small dots
}

// Render writes m as one <svg> element (Width × Height) with role="img" and
// aria-label set to the title: boundary, neighbour dots, the pin with the
// title as tooltip, a scale bar in metres and a north arrow. The view is
// fitted around all points with an equirectangular projection and spans at
// least 200 metres. Render fails, writing nothing, when there is no point or
// a coordinate is outside ±180° longitude / ±90° latitude.
func Render(w io.Writer, m Map) error {
	var pts [][2]float64
	pts = append(pts, m.Boundary...)
	if m.Pin != nil {
		pts = append(pts, *m.Pin)
	}
	pts = append(pts, m.Neighbours...)
	if len(pts) == 0 {
		return errors.New("svgmap: nothing to draw")
	}
	for _, p := range pts {
		if positionProblem(p) != "" {
			return fmt.Errorf("svgmap: %v is not a [longitude, latitude] pair", p)
		}
	}
	pr := fit(pts)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" class="map" role="img" aria-label="%s" font-size="11">`,
		Width, Height, Width, Height, esc(m.Title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#f8fafc"/>`, Width, Height)
	if len(m.Boundary) > 0 {
		b.WriteString(`<polygon fill="#0b4f8a" fill-opacity="0.15" stroke="#0b4f8a" stroke-width="2" stroke-linejoin="round" points="`)
		for i, p := range m.Boundary {
			x, y := pr.xy(p)
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(x) + "," + num(y))
		}
		b.WriteString(`"/>`)
	}
	for _, p := range m.Neighbours {
		x, y := pr.xy(p)
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="#57606a" stroke="#fff" stroke-width="1.5"/>`, num(x), num(y))
	}
	if m.Pin != nil {
		x, y := pr.xy(*m.Pin)
		fmt.Fprintf(&b, `<g class="pin"><title>%s</title><path d="M%s,%s l-7,-12 a8,8 0 1,1 14,0 z" fill="#c62828" stroke="#fff" stroke-width="1.5"/><circle cx="%s" cy="%s" r="3" fill="#fff"/></g>`,
			esc(m.Title), num(x), num(y), num(x), num(y-15))
	}
	writeScaleBar(&b, pr.scale)
	// North arrow, top right.
	b.WriteString(`<g aria-hidden="true"><path d="M296,14 l7,20 l-7,-5 l-7,5 z" fill="#1f2328"/><text x="296" y="46" text-anchor="middle" fill="#1f2328">N</text></g>`)
	b.WriteString(`</svg>`)
	_, err := io.WriteString(w, b.String())
	return err
}

// projection maps degrees to viewBox pixels: x east, y down.
type projection struct {
	lng0, lat0, cosLat, scale float64 // scale in pixels per metre
}

// fit centres an equirectangular projection on the points' bounding box and
// scales it to the drawing area.
func fit(pts [][2]float64) projection {
	minLng, maxLng, minLat, maxLat := pts[0][0], pts[0][0], pts[0][1], pts[0][1]
	for _, p := range pts[1:] {
		minLng, maxLng = math.Min(minLng, p[0]), math.Max(maxLng, p[0])
		minLat, maxLat = math.Min(minLat, p[1]), math.Max(maxLat, p[1])
	}
	pr := projection{lng0: (minLng + maxLng) / 2, lat0: (minLat + maxLat) / 2}
	pr.cosLat = math.Max(math.Cos(pr.lat0*math.Pi/180), 0.01)
	spanX := math.Max((maxLng-minLng)*pr.cosLat*metresPerDeg, minSpan)
	spanY := math.Max((maxLat-minLat)*metresPerDeg, minSpan)
	pr.scale = math.Min((Width-margin-aside)/spanX, (Height-margin-aside)/spanY)
	return pr
}

func (pr projection) xy(p [2]float64) (x, y float64) {
	x = (margin+Width-aside)/2 + (p[0]-pr.lng0)*pr.cosLat*metresPerDeg*pr.scale
	y = (margin+Height-aside)/2 - (p[1]-pr.lat0)*metresPerDeg*pr.scale
	return x, y
}

// writeScaleBar draws, bottom left, the longest round length (1, 2 or 5 ×
// 10ⁿ metres) that fits in 100 pixels.
func writeScaleBar(b *strings.Builder, pxPerMetre float64) {
	metres := niceLength(100 / pxPerMetre)
	px := metres * pxPerMetre
	label := strconv.FormatFloat(metres, 'f', -1, 64) + " m"
	if metres >= 1000 {
		label = strconv.FormatFloat(metres/1000, 'f', -1, 64) + " km"
	}
	y := float64(Height) - 12
	fmt.Fprintf(b, `<g class="scale"><path d="M%s,%s v6 h%s v-6" fill="none" stroke="#1f2328" stroke-width="2"/><text x="%s" y="%s" fill="#1f2328">%s</text></g>`,
		num(margin), num(y-6), num(px), num(margin), num(y-10), label)
}

// niceLength returns the largest 1, 2 or 5 × 10ⁿ not above max.
func niceLength(max float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(max)))
	for _, f := range []float64{5, 2, 1} {
		if f*p <= max {
			return f * p
		}
	}
	return p
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // never fails on a strings.Builder
	return b.String()
}

// Limits on an estate boundary: well above any real estate's outline.
const (
	maxGeoJSON = 1 << 20
	maxPoints  = 10000
)

// ParseGeoJSONPolygon validates an estate boundary given as a GeoJSON
// Polygon, or a Feature whose geometry is a Polygon, and returns its outer
// ring as [longitude, latitude] pairs, closed (the first point repeated at
// the end). Holes and altitudes are ignored. The error messages are in
// Chinese and meant for the user, e.g. as a huanxin.FieldError message.
func ParseGeoJSONPolygon(s string) ([][2]float64, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, errors.New("边界为空")
	case len(s) > maxGeoJSON:
		return nil, fmt.Errorf("边界过大：不能超过 %d KB", maxGeoJSON>>10)
	}
	var g geoJSON
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("边界不是有效的 JSON（第 %d 个字节附近有语法错误）", se.Offset)
		}
		return nil, errors.New("边界必须是 GeoJSON 对象，如 {\"type\":\"Polygon\",\"coordinates\":[[[经度,纬度],…]]}")
	}
	if g.Type == "Feature" {
		if len(g.Geometry) == 0 || string(g.Geometry) == "null" {
			return nil, errors.New("边界 Feature 没有几何图形（geometry）")
		}
		geometry := g.Geometry
		g = geoJSON{}
		if err := json.Unmarshal(geometry, &g); err != nil {
			return nil, errors.New("边界 Feature 的几何图形（geometry）必须是 GeoJSON 对象")
		}
		if g.Type == "Feature" {
			g.Type = "嵌套的 Feature"
		}
	}
	if g.Type != "Polygon" {
		if g.Type == "" {
			return nil, errors.New("边界缺少 type：须为 Polygon 或几何图形为 Polygon 的 Feature")
		}
		return nil, fmt.Errorf("边界须为 Polygon 或几何图形为 Polygon 的 Feature，不能是 %s", g.Type)
	}
	var rings [][][]float64
	if err := json.Unmarshal(g.Coordinates, &rings); err != nil || len(rings) == 0 {
		return nil, errors.New("边界坐标（coordinates）须为 [[[经度,纬度],…]] 形式的数字数组")
	}
	outer := rings[0]
	switch {
	case len(outer) < 4:
		return nil, fmt.Errorf("边界外环至少需要 4 个坐标（首尾相同），现有 %d 个", len(outer))
	case len(outer) > maxPoints:
		return nil, fmt.Errorf("边界外环坐标过多：最多 %d 个，现有 %d 个", maxPoints, len(outer))
	}
	ring := make([][2]float64, len(outer))
	for i, pos := range outer {
		if len(pos) < 2 {
			return nil, fmt.Errorf("边界第 %d 个坐标须包含经度和纬度", i+1)
		}
		ring[i] = [2]float64{pos[0], pos[1]}
		if msg := positionProblem(ring[i]); msg != "" {
			return nil, fmt.Errorf("边界第 %d 个坐标%s", i+1, msg)
		}
	}
	if ring[0] != ring[len(ring)-1] {
		return nil, errors.New("边界外环未闭合：最后一个坐标须与第一个相同")
	}
	if math.Abs(area(ring)) < 1e-10 { // about 1 m²
		return nil, errors.New("边界外环面积为零：坐标不能全部重合或在一条直线上")
	}
	return ring, nil
}

// geoJSON holds the members of a GeoJSON object that matter here.
type geoJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    json.RawMessage `json:"geometry"`
}

// positionProblem says, in Chinese, what is wrong with a [longitude,
// latitude] pair, or returns "" when it is valid.
func positionProblem(p [2]float64) string {
	switch {
	case !(p[0] >= -180 && p[0] <= 180):
		return fmt.Sprintf("的经度须在 -180 到 180 之间，现为 %g", p[0])
	case !(p[1] >= -90 && p[1] <= 90):
		return fmt.Sprintf("的纬度须在 -90 到 90 之间，现为 %g（坐标顺序应为 [经度, 纬度]）", p[1])
	}
	return ""
}

// area returns twice the signed area of a closed ring in square degrees
// (shoelace formula, relative to the first point to keep rounding small).
func area(ring [][2]float64) float64 {
	var a float64
	x0, y0 := ring[0][0], ring[0][1]
	for i := 1; i < len(ring); i++ {
		a += (ring[i-1][0]-x0)*(ring[i][1]-y0) - (ring[i][0]-x0)*(ring[i-1][1]-y0)
	}
	return a
}
