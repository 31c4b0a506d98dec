package web

import (
	"bytes"
	"net/http"

	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/web/svgmap"
)

// estateMap draws the estate's pin and boundary, with the estates of the
// same community as dots, as an SVG image (no map tiles on an intranet).
func (p *Pages) estateMap(w http.ResponseWriter, r *http.Request) {
	e, ok := p.pathEstate(w, r)
	if !ok {
		return
	}
	m := svgmap.Map{Title: e.Name}
	if e.Lat != nil {
		m.Pin = &[2]float64{float64(*e.Lng) / 1e6, float64(*e.Lat) / 1e6}
	}
	if e.Boundary != "" {
		m.Boundary, _ = svgmap.ParseGeoJSONPolygon(e.Boundary)
	}
	near, _, err := p.Reg.Estates().Find(r.Context(), estate.Filter{JurisdictionID: &e.JurisdictionID, Limit: 200})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, n := range near {
		if n.ID != e.ID && n.Lat != nil {
			m.Neighbours = append(m.Neighbours, [2]float64{float64(*n.Lng) / 1e6, float64(*n.Lat) / 1e6})
		}
	}
	var buf bytes.Buffer
	if err := svgmap.Render(&buf, m); err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(buf.Bytes())
}
