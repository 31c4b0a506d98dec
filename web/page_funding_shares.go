package web

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/funding"
	"github.com/huanxin/huanxin/funding/share"
	"github.com/huanxin/huanxin/planning/plan"
	"github.com/huanxin/huanxin/web/i18n"
)

// sharesPage lists a plan's owners' share runs and offers the form that
// splits the owners' money of an item (or of the whole plan) among the
// parts in scope.
type sharesPage struct {
	Base
	Plan        *plan.Plan
	Estate      *estate.Estate
	Runs        []shareRunRow
	CanEdit     bool
	ItemOptions []option
	Bases       []option
	Remainders  []option
	HeldParts   []option // the parts that may take the remainder, those held by the developer first
	Floors      []floorField
	Portions    []portionField
	Message     string
	Errors      []huanxin.FieldError
}

// floorField is the coefficient of one floor as entered.
type floorField struct {
	Floor int
	Value string
}

// portionField is the weight of one basis in a mix as entered.
type portionField struct {
	Basis, Label, Value string
}

// shareRuleText says a split's rule in the page's language: the basis, a
// mix's weights, the floor coefficients and the remainder rule with the
// dwelling that takes it, named from rooms when it is there.
func shareRuleText(r funding.ShareRule, l string, rooms map[int64]string) string {
	parts := []string{i18n.T(l, "shares.basis."+string(r.Basis))}
	floors := r.Basis == share.ByFloorCoefficient || r.Basis == share.ByFloorCoefficientArea
	if r.Basis == share.Mix {
		for _, b := range funding.ShareBases {
			if v := r.Portions[b]; v != "" {
				parts = append(parts, i18n.T(l, "shares.basis."+string(b))+" "+v)
				floors = floors || b == share.ByFloorCoefficient || b == share.ByFloorCoefficientArea
			}
		}
	}
	if floors {
		var cs []string
		for _, f := range slices.Sorted(maps.Keys(r.Coefficients)) {
			cs = append(cs, i18n.T(l, "shares.floor", f)+" "+r.Coefficients[f])
		}
		parts = append(parts, i18n.T(l, "shares.coefficients")+" "+strings.Join(cs, "，"))
	}
	rem := cmp.Or(r.Remainder, funding.RemainderLargest)
	text := i18n.T(l, "shares.remainder") + " " + i18n.T(l, "shares.remainder."+rem)
	if room := rooms[r.RemainderPart]; rem == funding.RemainderPart && room != "" {
		text += " " + room
	}
	return strings.Join(append(parts, text), "；")
}

// sharePartLabel names a part by building, stairwell unit and room.
func sharePartLabel(l, building, stairwell, room string) string {
	return i18n.T(l, "shares.part_label", building, stairwell, room)
}

// rowRooms names the parts of a run's rows.
func rowRooms(rows []funding.ShareRow, l string) map[int64]string {
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.PartID] = sharePartLabel(l, r.BuildingNo, r.Stairwell, r.Room)
	}
	return out
}

// shareRunRow is a run in the list with its rule in words.
type shareRunRow struct {
	*funding.ShareRun
	RuleText string
}

// sharesForm reads the split form: the floor coefficients and the mix's
// portions that were filled in.
func sharesForm(r *http.Request, floors int) (string, funding.ShareRule) {
	rule := funding.ShareRule{Basis: share.Basis(r.PostFormValue("basis")), Remainder: r.PostFormValue("remainder"),
		Coefficients: map[int]string{}, Portions: map[share.Basis]string{}}
	if rule.Remainder == funding.RemainderPart {
		// A choice that is not a part ID stays 0: no such part in scope.
		rule.RemainderPart, _ = strconv.ParseInt(r.PostFormValue("remainder_part"), 10, 64)
	}
	for f := 1; f <= floors; f++ {
		if v := strings.TrimSpace(r.PostFormValue("coef_" + strconv.Itoa(f))); v != "" {
			rule.Coefficients[f] = v
		}
	}
	for _, b := range funding.ShareBases {
		if v := strings.TrimSpace(r.PostFormValue("portion_" + string(b))); v != "" && b != share.Mix {
			rule.Portions[b] = v
		}
	}
	return r.PostFormValue("item_code"), rule
}

// sharesShow shows the plan's runs and the split form.
func (p *Pages) sharesShow(w http.ResponseWriter, r *http.Request) {
	p.renderShares(w, r, http.StatusOK, "", funding.ShareRule{Basis: share.ByArea}, nil)
}

// sharesGenerate splits the owners' money and shows the new run; errors
// show next to the form's fields.
func (p *Pages) sharesGenerate(w http.ResponseWriter, r *http.Request) {
	if !p.fundingOn(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pl, err := p.Funding.Plans.Get(r.Context(), id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	floors, err := p.estateFloors(r, pl.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	item, rule := sharesForm(r, floors)
	run, err := p.Shares.Generate(r.Context(), id, item, rule)
	switch huanxin.ErrorCode(err) {
	case "":
		redirect(w, r, "/shares/"+strconv.FormatInt(run.ID, 10), "shares_generated")
	case huanxin.EINVALID:
		p.renderShares(w, r, http.StatusBadRequest, item, rule, err)
	default:
		p.fail(w, r, err)
	}
}

// estateFloors is the highest floor of the estate's buildings (at least 1).
func (p *Pages) estateFloors(r *http.Request, estateID int64) (int, error) {
	bs, _, err := p.Reg.Buildings().Find(r.Context(), estate.Filter{EstateID: &estateID, Limit: 1000})
	top := 1
	for _, b := range bs {
		top = max(top, b.Floors)
	}
	return top, err
}

func (p *Pages) renderShares(w http.ResponseWriter, r *http.Request, status int, item string, rule funding.ShareRule, failed error) {
	if !p.fundingOn(w, r) {
		return
	}
	f, ok := pathGet(p, w, r, p.Funding.Get)
	if !ok {
		return
	}
	ctx := r.Context()
	pg := &sharesPage{Base: p.base(r, "shares.title"), Plan: f.Plan, CanEdit: canEdit(r)}
	l := pg.Lang
	var runs []*funding.ShareRun
	var err error
	if pg.Estate, err = p.Reg.Estates().Get(ctx, f.Plan.EstateID); err == nil {
		runs, err = p.Shares.Runs(ctx, f.Plan.ID)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	rooms := map[int64]string{}
	if pg.CanEdit {
		parts, err := p.Shares.Parts(ctx, f.Plan.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		slices.SortStableFunc(parts, func(a, b funding.SharePart) int {
			switch {
			case a.Held == b.Held:
				return 0
			case a.Held:
				return -1
			}
			return 1
		})
		for _, pt := range parts {
			rooms[pt.PartID] = sharePartLabel(l, pt.BuildingNo, pt.Stairwell, pt.Room)
			label := rooms[pt.PartID]
			if pt.Held {
				label += i18n.T(l, "shares.held")
			}
			pg.HeldParts = append(pg.HeldParts, option{Value: strconv.FormatInt(pt.PartID, 10), Label: label, Selected: pt.PartID == rule.RemainderPart})
		}
	}
	for _, run := range runs {
		pg.Runs = append(pg.Runs, shareRunRow{ShareRun: run, RuleText: shareRuleText(run.Rule, l, rooms)})
	}
	if failed != nil {
		pg.Message, pg.Errors = huanxin.ErrorMessage(failed), huanxin.ErrorFields(failed)
	}
	pg.ItemOptions = append(pg.ItemOptions, option{Value: "", Label: i18n.T(l, "shares.whole_plan", funding.OwnersMoney(f.Lines, "").String())})
	for _, c := range f.Covers {
		if v := funding.OwnersMoney(f.Lines, c.ItemCode); v > 0 {
			pg.ItemOptions = append(pg.ItemOptions, option{Value: c.ItemCode, Label: i18n.T(l, "shares.item_option", c.ItemCode+" "+c.Name, v.String()),
				Selected: c.ItemCode == item})
		}
	}
	for _, b := range funding.ShareBases {
		pg.Bases = append(pg.Bases, option{Value: string(b), Label: i18n.T(l, "shares.basis."+string(b)), Selected: b == rule.Basis})
		if b != share.Mix {
			pg.Portions = append(pg.Portions, portionField{Basis: string(b), Label: i18n.T(l, "shares.basis."+string(b)), Value: rule.Portions[b]})
		}
	}
	for _, k := range []string{funding.RemainderLargest, funding.RemainderLargestWeight, funding.RemainderPart} {
		pg.Remainders = append(pg.Remainders, option{Value: k, Label: i18n.T(l, "shares.remainder."+k), Selected: k == rule.Remainder})
	}
	floors, err := p.estateFloors(r, f.Plan.EstateID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for fl := 1; fl <= floors; fl++ {
		pg.Floors = append(pg.Floors, floorField{Floor: fl, Value: rule.Coefficients[fl]})
	}
	pg.Title = i18n.T(l, "shares.title") + " · " + f.Plan.Title
	p.render(w, r, status, "funding_shares", pg)
}
