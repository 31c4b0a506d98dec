package svgchart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// Every chart is well-formed XML with a title and a description listing
// every value, and contains no script.
func TestChartsAreWellFormed(t *testing.T) {
	items := []Item{{"供水管网 <改造>", 12}, {"加装电梯 & 停车", 30}, {"无", 0}}
	for name, svg := range map[string]string{
		"bar":   Bar("b1", "希望改造的项目", items, " 户"),
		"pie":   Pie("p1", "是否愿意出资", items, ""),
		"dist":  Distribution("d1", "评分分布", items, ""),
		"whole": Pie("p2", "全部", []Item{{"是", 5}}, ""),
		"empty": Bar("b2", "无回答", nil, ""),
	} {
		t.Run(name, func(t *testing.T) {
			dec := xml.NewDecoder(strings.NewReader(svg))
			var title, desc string
			var in string
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v\n%s", err, svg)
				}
				switch v := tok.(type) {
				case xml.StartElement:
					in = v.Name.Local
					if in == "script" || in == "foreignObject" {
						t.Fatalf("%s element in chart", in)
					}
				case xml.CharData:
					switch in {
					case "title":
						title += string(v)
					case "desc":
						desc += string(v)
					}
				case xml.EndElement:
					in = ""
				}
			}
			if title == "" || !strings.Contains(svg, `role="img"`) {
				t.Fatalf("no title or role: %s", svg)
			}
			if name == "bar" && !strings.Contains(desc, "供水管网 <改造>: 12 户") {
				t.Errorf("desc %q", desc)
			}
		})
	}
}
