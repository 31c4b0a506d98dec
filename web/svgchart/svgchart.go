// Package svgchart draws small charts as SVG on the server: horizontal
// bars, pies and vertical distributions. The output needs no script and no
// font or stylesheet from outside; each chart carries a <title> and a
// <desc> listing every value, is labelled for assistive technology
// (role="img", aria-labelledby), and is meant to sit next to an HTML table
// of the same figures.
package svgchart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Item is one labelled value.
type Item struct {
	Label string
	Value int64
}

// palette is colour-blind safe (Okabe–Ito) and dark enough against white.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#000000"}

func esc(s string) string { return html.EscapeString(s) }

// describe lists the values for the <desc>.
func describe(items []Item, unit string) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.Label + ": " + strconv.FormatInt(it.Value, 10) + unit
	}
	return strings.Join(parts, "; ")
}

func open(b *strings.Builder, id, title, desc string, w, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d">`,
		w, h, w, h, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

// Bar draws one horizontal bar per item, with its label and value. id
// must be unique in the page.
func Bar(id, title string, items []Item, unit string) string {
	const w, row, labelW, barW = 640, 28, 220, 330
	h := row*len(items) + 8
	var b strings.Builder
	open(&b, id, title, describe(items, unit), w, h)
	top := maxOf(items)
	for i, it := range items {
		y := 4 + i*row
		bw := 0
		if top > 0 {
			bw = int(math.Round(float64(it.Value) / float64(top) * barW))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="14" fill="#111">%s</text>`, labelW-8, y+18, esc(clip(it.Label, 16)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, labelW, y+4, bw, row-8, palette[0])
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#111">%s</text>`, labelW+bw+6, y+18, esc(strconv.FormatInt(it.Value, 10)+unit))
	}
	b.WriteString("</svg>")
	return b.String()
}

// Distribution draws one vertical column per item (for marks 1…n), with
// the value above and the label below each column.
func Distribution(id, title string, items []Item, unit string) string {
	const h, plot, colW = 220, 160, 44
	w := colW*len(items) + 20
	var b strings.Builder
	open(&b, id, title, describe(items, unit), w, h)
	top := maxOf(items)
	for i, it := range items {
		x := 10 + i*colW
		ch := 0
		if top > 0 {
			ch = int(math.Round(float64(it.Value) / float64(top) * (plot - 20)))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x+6, 20+plot-20-ch, colW-12, ch, palette[0])
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13" fill="#111">%d</text>`, x+colW/2, 20+plot-20-ch-4, it.Value)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="14" fill="#111">%s</text>`, x+colW/2, plot+22, esc(clip(it.Label, 4)))
	}
	b.WriteString("</svg>")
	return b.String()
}

// Pie draws the items' shares of their total as slices with a legend.
// Items with no value are listed in the legend only.
func Pie(id, title string, items []Item, unit string) string {
	const r, cx, cy = 90, 100, 100
	h := max(200, 24*len(items)+16)
	var b strings.Builder
	open(&b, id, title, describe(items, unit), 520, h)
	var total int64
	for _, it := range items {
		total += it.Value
	}
	angle := -math.Pi / 2
	for i, it := range items {
		colour := palette[i%len(palette)]
		if total > 0 && it.Value > 0 {
			if it.Value == total {
				fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="%s"/>`, cx, cy, r, colour)
			} else {
				sweep := 2 * math.Pi * float64(it.Value) / float64(total)
				x1, y1 := cx+r*math.Cos(angle), cy+r*math.Sin(angle)
				x2, y2 := cx+r*math.Cos(angle+sweep), cy+r*math.Sin(angle+sweep)
				large := 0
				if sweep > math.Pi {
					large = 1
				}
				fmt.Fprintf(&b, `<path d="M%d,%d L%.2f,%.2f A%d,%d 0 %d 1 %.2f,%.2f Z" fill="%s" stroke="#fff"/>`,
					cx, cy, x1, y1, r, r, large, x2, y2, colour)
				angle += sweep
			}
		}
		y := 12 + i*24
		share := ""
		if total > 0 {
			share = fmt.Sprintf(" (%.1f%%)", float64(it.Value)*100/float64(total))
		}
		fmt.Fprintf(&b, `<rect x="215" y="%d" width="14" height="14" fill="%s"/>`, y, colour)
		fmt.Fprintf(&b, `<text x="236" y="%d" font-size="14" fill="#111">%s</text>`, y+12,
			esc(clip(it.Label, 14)+": "+strconv.FormatInt(it.Value, 10)+unit+share))
	}
	b.WriteString("</svg>")
	return b.String()
}

func maxOf(items []Item) int64 {
	var m int64
	for _, it := range items {
		m = max(m, it.Value)
	}
	return m
}

// clip shortens a label to n characters with an ellipsis; the full label
// is in the <desc> and the table.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
