package web

import (
	"net/http"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/web/i18n"
)

// disclosurePage is the estate's money for its residents (资金公开), in
// plain words and phone first: where the money comes from, what each
// item costs and what was found for it, the gap, and the reader's own
// shares. The notice is the same for printing and posting.
type disclosurePage struct {
	Base
	D       *funding.Disclosure
	Sources []disclosureSource
	Plans   []disclosurePlan
	Total   fundingRow
	Paid    []disclosurePaid
}

// disclosurePaid is a contract in plain words: who, what for, how much,
// paid so far.
type disclosurePaid struct {
	funding.PaidTo
	KindName, ItemNames string
}

// disclosureSource is one source's money by status.
type disclosureSource struct {
	Name                                 string
	Committed, Received, Allocated, Paid huanxin.Money
}

// disclosurePlan is one funded plan's items.
type disclosurePlan struct {
	ID    int64
	Title string
	Items []fundingRow
	Total fundingRow
}

// disclosure shows the estate's disclosure page.
func (p *Pages) disclosure(w http.ResponseWriter, r *http.Request) {
	p.renderDisclosure(w, r, "funding_disclosure")
}

// disclosureNotice shows the printable notice.
func (p *Pages) disclosureNotice(w http.ResponseWriter, r *http.Request) {
	p.renderDisclosure(w, r, "funding_notice")
}

func (p *Pages) renderDisclosure(w http.ResponseWriter, r *http.Request, page string) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	var d *funding.Disclosure
	if err == nil {
		d, err = p.Shares.Disclose(r.Context(), id)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &disclosurePage{Base: p.base(r, "disclosure.title"), D: d}
	pg.Title = d.Estate.Name + " · " + pg.Title
	// The disclosure is kept per estate and reader until the next write
	// (funding.Shares.Disclose), so its rendered content is too.
	pg.Content, err = p.r.Content(page, disclosureKey{d.Reading, pg.Lang, page}, func() any { return pg.fill() })
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, page, pg)
}

// disclosureKey names the content of a disclosure page: the reading of
// the disclosure, the language and the page (screen or printable notice).
type disclosureKey struct {
	reading    *funding.Reading
	lang, page string
}

// fill turns the disclosure into the page's rows.
func (pg *disclosurePage) fill() *disclosurePage {
	d, l := pg.D, pg.Lang
	for _, s := range d.Sources {
		pg.Sources = append(pg.Sources, disclosureSource{Name: termNames([]string{s.Source}, planning.SourceTypes, l),
			Committed: s.ByStatus[funding.Committed], Received: s.ByStatus[funding.Received], Allocated: s.ByStatus[funding.Allocated],
			Paid: s.ByStatus[funding.Paid]})
	}
	for _, f := range d.Plans {
		dp := disclosurePlan{ID: f.Plan.ID, Title: f.Plan.Title, Total: coverRow(f.Total, l)}
		for _, c := range f.Covers {
			dp.Items = append(dp.Items, coverRow(c, l))
		}
		pg.Plans = append(pg.Plans, dp)
	}
	pg.Total = coverRow(d.Total, l)
	for _, c := range d.Paid {
		pg.Paid = append(pg.Paid, disclosurePaid{PaidTo: c, KindName: i18n.T(l, "contract.kind."+string(c.Kind)), ItemNames: strings.Join(c.Items, "、")})
	}
	return pg
}
