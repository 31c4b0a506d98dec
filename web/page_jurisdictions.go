package web

import (
	"net/http"

	"github.com/huanxin/huanxin/estate"
)

// jurisdictionLimit is how many nodes the tree shows: the store's largest
// page (a Limit above it would fall back to the default of 50).
const jurisdictionLimit = 1000

type jurisdictionsPage struct {
	Base
	Roots []*jurisdictionNode
	Shown int
	Total int
}

// jurisdictionNode is one jurisdiction with its children, in tree order.
type jurisdictionNode struct {
	*estate.Jurisdiction
	Children []*jurisdictionNode
}

// jurisdictions shows the tree of jurisdictions visible to the actor,
// loaded with one query in path order and nested here.
func (p *Pages) jurisdictions(w http.ResponseWriter, r *http.Request) {
	js, total, err := p.Reg.Jurisdictions().Find(r.Context(), estate.Filter{Limit: jurisdictionLimit})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &jurisdictionsPage{Base: p.base(r, "jurisdictions.title"), Roots: jurisdictionTree(js), Shown: len(js), Total: total}
	p.render(w, r, http.StatusOK, "jurisdictions", pg)
}

// jurisdictionTree nests jurisdictions given in path order (parents before
// children). A node whose parent is not in the list — the top of the
// actor's scope — becomes a root.
func jurisdictionTree(js []*estate.Jurisdiction) []*jurisdictionNode {
	byID := make(map[int64]*jurisdictionNode, len(js))
	var roots []*jurisdictionNode
	for _, j := range js {
		n := &jurisdictionNode{Jurisdiction: j}
		byID[j.ID] = n
		if parent, ok := byID[j.ParentID]; ok && j.ParentID != 0 {
			parent.Children = append(parent.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}
