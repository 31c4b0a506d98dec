package api

import (
	"net/http"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/planning"
)

var catalogueListParams = []string{"city_id", "category", "q", "active", "page", "per_page"}

// catalogueHandlers serve the cities' catalogues of renovation items:
// everyone signed in reads the catalogues of their cities; city-wide
// administrators and housing bureaus change them (the service decides).
type catalogueHandlers struct{ svc *planning.CatalogueService }

// CatalogueFields are the members of a catalogue item that may be
// changed: unit_cost is the reference cost of one unit in fen;
// decision_item is the matter of Civil Code Art. 278 under which owners
// decide the item (0: no decision of its own); sources, sign_offs and
// depends_on are keys of funding source kinds, signing bodies, and codes
// of the items that come first.
type CatalogueFields struct {
	Name         string   `json:"name"`
	NameEn       string   `json:"name_en"`
	Category     string   `json:"category"`
	Unit         string   `json:"unit"`
	UnitCost     int64    `json:"unit_cost"`
	LifeYears    int      `json:"life_years"`
	DecisionItem int      `json:"decision_item"`
	Sources      []string `json:"sources"`
	SignOffs     []string `json:"sign_offs"`
	DependsOn    []string `json:"depends_on"`
	Active       bool     `json:"active"`
	Notes        string   `json:"notes"`
}

// CatalogueItem is one item of a city's renovation catalogue (改造内容清单).
type CatalogueItem struct {
	ID     int64  `json:"id"`
	CityID int64  `json:"city_id"`
	Code   string `json:"code"`
	CatalogueFields
	UpdatedBy int64     `json:"updated_by"`
	Updated   time.Time `json:"updated"`
}

// CatalogueItemInput is the body of POST /api/v1/catalogue/items: the
// city (default: the actor's first city), the item's code, unique in the
// city and fixed from then on, and its fields.
type CatalogueItemInput struct {
	CityID int64  `json:"city_id"`
	Code   string `json:"code"`
	CatalogueFields
}

func fieldsOf(it *planning.Item) CatalogueFields {
	return CatalogueFields{Name: it.Name, NameEn: it.NameEn, Category: string(it.Category), Unit: it.Unit,
		UnitCost: int64(it.UnitCost), LifeYears: it.LifeYears, DecisionItem: int(it.DecisionItem),
		Sources: it.Sources, SignOffs: it.SignOffs, DependsOn: it.DependsOn, Active: it.Active, Notes: it.Notes}
}

// apply sets the item's changeable fields from f.
func (f CatalogueFields) apply(it *planning.Item) {
	it.Name, it.NameEn, it.Category, it.Unit = f.Name, f.NameEn, planning.Category(f.Category), f.Unit
	it.UnitCost, it.LifeYears, it.DecisionItem = huanxin.Money(f.UnitCost), f.LifeYears, decision.Item(f.DecisionItem)
	it.Sources, it.SignOffs, it.DependsOn, it.Active, it.Notes = f.Sources, f.SignOffs, f.DependsOn, f.Active, f.Notes
}

func shownCatalogueItem(it *planning.Item) *CatalogueItem {
	out := &CatalogueItem{ID: it.ID, CityID: it.CityID, Code: it.Code, CatalogueFields: fieldsOf(it),
		UpdatedBy: it.UpdatedBy, Updated: it.Updated}
	for _, l := range []*[]string{&out.Sources, &out.SignOffs, &out.DependsOn} {
		if *l == nil {
			*l = []string{}
		}
	}
	return out
}

func (h catalogueHandlers) list(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	p := readParams(r, catalogueListParams)
	page, perPage := p.paging()
	var f planning.Filter
	city := p.id("city_id", 1)
	if v := p.get("category"); v != "" {
		c := planning.Category(v)
		if !c.Valid() {
			p.fail("category", "须为 basic、improve 或 enhance must be basic, improve or enhance")
		}
		f.Category = &c
	}
	f.Q = p.text("q", 100)
	switch v := p.get("active"); v {
	case "":
	case "true", "false":
		active := v == "true"
		f.Active = &active
	default:
		p.fail("active", "须为 true 或 false must be true or false")
	}
	if err := p.err(); err != nil {
		WriteError(w, r, err)
		return
	}
	var cityID int64
	if city != nil {
		cityID = *city
	}
	ctx := r.Context()
	cityID, err := h.svc.City(ctx, cityID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	all, err := h.svc.Items(ctx, cityID, f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	items := make([]*CatalogueItem, len(all))
	for i, it := range all {
		items[i] = shownCatalogueItem(it)
	}
	writeList(w, pageOf(items, page, perPage), len(items), page, perPage)
}

func (h catalogueHandlers) get(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	it, err := h.svc.Item(r.Context(), id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownCatalogueItem(it))
}

func (h catalogueHandlers) create(w http.ResponseWriter, r *http.Request) {
	if !requireActor(w, r) {
		return
	}
	in := CatalogueItemInput{CatalogueFields: CatalogueFields{Active: true}}
	if err := decodeBody(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	ctx := r.Context()
	city, err := h.svc.City(ctx, in.CityID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	it := &planning.Item{CityID: city, Code: in.Code}
	in.apply(it)
	if err := h.svc.Create(ctx, it); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, shownCatalogueItem(it))
}

// update decodes the body onto the stored item's fields: only the members
// present change; the code and the city never do.
func (h catalogueHandlers) update(w http.ResponseWriter, r *http.Request) {
	id, ok := actorAndID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	it, err := h.svc.Item(ctx, id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	f := fieldsOf(it)
	if err := decodeBody(w, r, &f); err != nil {
		WriteError(w, r, err)
		return
	}
	f.apply(it)
	if err := h.svc.Update(ctx, it); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, shownCatalogueItem(it))
}
