package planning

import (
	"context"
	"slices"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
)

// CatalogueStore is what the catalogue needs from storage.
type CatalogueStore interface {
	// CatalogueItems returns every item of a city's catalogue.
	CatalogueItems(ctx context.Context, cityID int64) ([]*Item, error)
	// CatalogueItemByID returns an item of any city, or ENOTFOUND.
	CatalogueItemByID(ctx context.Context, id int64) (*Item, error)
	// SeedCatalogue adds the items whose codes the city's catalogue lacks,
	// audited as one change, and returns how many it added.
	SeedCatalogue(ctx context.Context, cityID int64, items []*Item) (int, error)
	// CreateCatalogueItem stores a new item, setting its ID; a code taken
	// in the city is ECONFLICT.
	CreateCatalogueItem(ctx context.Context, it *Item) error
	// UpdateCatalogueItem stores an item's changes (its code and city
	// stay).
	UpdateCatalogueItem(ctx context.Context, it *Item) error
}

// CatalogueService keeps each city's catalogue of renovation items. Every
// signed-in user reads the catalogues of the cities in their scope; only
// administrators and housing bureaus whose jurisdiction covers the whole
// city change it. A city's catalogue is created from DefaultCatalogue the
// first time anyone reads it.
type CatalogueService struct {
	Store    CatalogueStore
	Register *estate.Service
}

// City returns the city whose catalogue a request is about: asked, which
// must be one of the actor's cities (else ENOTFOUND), or when asked is 0
// the actor's first city.
func (s *CatalogueService) City(ctx context.Context, asked int64) (int64, error) {
	a := huanxin.ActorFromContext(ctx)
	if a == nil {
		return 0, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	cities, err := s.cities(ctx, a)
	if err != nil {
		return 0, err
	}
	switch {
	case asked == 0 && len(cities) > 0:
		return cities[0], nil
	case asked == 0:
		return 0, huanxin.Errorf(huanxin.ENOTFOUND, "您的管辖范围内没有城市 there is no city in your scope")
	case !slices.Contains(cities, asked):
		return 0, huanxin.Errorf(huanxin.ENOTFOUND, "城市不存在或不在您的管辖范围 city not found")
	}
	return asked, nil
}

// cities lists the actor's cities: those of its jurisdictions, or for
// residents (who do not read jurisdictions) those of their estates.
func (s *CatalogueService) cities(ctx context.Context, a *huanxin.Actor) ([]int64, error) {
	if a.Role != huanxin.RoleResident {
		return s.Register.Cities(ctx)
	}
	es, _, err := s.Register.Estates().Find(ctx, estate.Filter{Limit: 1000})
	var out []int64
	for _, e := range es {
		if !slices.Contains(out, e.CityID) {
			out = append(out, e.CityID)
		}
	}
	return out, err
}

// Items returns the items of a city's catalogue that f selects, in
// category order and then by code, creating the catalogue from the default
// on first use.
func (s *CatalogueService) Items(ctx context.Context, cityID int64, f Filter) ([]*Item, error) {
	if _, err := s.City(ctx, cityID); err != nil {
		return nil, err
	}
	all, err := s.all(ctx, cityID)
	if err != nil {
		return nil, err
	}
	out := make([]*Item, 0, len(all))
	for _, it := range all {
		if f.Match(it) {
			out = append(out, it)
		}
	}
	return out, nil
}

// all returns a city's whole catalogue, seeding it first if it is empty.
func (s *CatalogueService) all(ctx context.Context, cityID int64) ([]*Item, error) {
	items, err := s.Store.CatalogueItems(ctx, cityID)
	if err != nil || len(items) > 0 {
		slices.SortStableFunc(items, compareItems)
		return items, err
	}
	// Seeding is the system's act, whoever happens to read first.
	sys := huanxin.NewContextWithActor(ctx, huanxin.SystemActor)
	if _, err := s.Store.SeedCatalogue(sys, cityID, DefaultCatalogue()); err != nil {
		return nil, err
	}
	items, err = s.Store.CatalogueItems(ctx, cityID)
	slices.SortStableFunc(items, compareItems)
	return items, err
}

// Item returns an item of a catalogue the actor may read; an item of
// another city is ENOTFOUND.
func (s *CatalogueService) Item(ctx context.Context, id int64) (*Item, error) {
	if huanxin.ActorFromContext(ctx) == nil {
		return nil, huanxin.Errorf(huanxin.EUNAUTHORIZED, "请先登录 please sign in")
	}
	it, err := s.Store.CatalogueItemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.City(ctx, it.CityID); err != nil {
		return nil, huanxin.Errorf(huanxin.ENOTFOUND, "改造内容不存在 catalogue item not found")
	}
	return it, nil
}

// MayEdit returns nil when the actor may change the city's catalogue, else
// why not.
func (s *CatalogueService) MayEdit(ctx context.Context, cityID int64) error {
	_, err := s.Register.CityWide(ctx, cityID, "只有市级管理员或住建局可以修改改造内容清单 only city-wide administrators or housing bureaus may change the catalogue")
	return err
}

// Create adds an item to a city's catalogue: it is validated on its own
// and its dependencies against the catalogue.
func (s *CatalogueService) Create(ctx context.Context, it *Item) error {
	if err := s.MayEdit(ctx, it.CityID); err != nil {
		return err
	}
	all, err := s.all(ctx, it.CityID)
	if err != nil {
		return err
	}
	if err := s.check(it, all); err != nil {
		return err
	}
	return s.Store.CreateCatalogueItem(ctx, it)
}

// Update stores changes to an item loaded with Item: its ID, city and code
// do not change (other items and plans refer to the code).
func (s *CatalogueService) Update(ctx context.Context, it *Item) error {
	old, err := s.Item(ctx, it.ID)
	if err != nil {
		return err
	}
	if err := s.MayEdit(ctx, old.CityID); err != nil {
		return err
	}
	it.CityID, it.Code = old.CityID, old.Code
	all, err := s.all(ctx, it.CityID)
	if err != nil {
		return err
	}
	if err := s.check(it, all); err != nil {
		return err
	}
	return s.Store.UpdateCatalogueItem(ctx, it)
}

// check validates it and the catalogue as it would be with it, reporting
// every problem together.
func (s *CatalogueService) check(it *Item, all []*Item) error {
	var bad []huanxin.FieldError
	collect := func(err error) error {
		if err != nil && len(huanxin.ErrorFields(err)) == 0 {
			return err
		}
		bad = append(bad, huanxin.ErrorFields(err)...)
		return nil
	}
	if err := collect(it.Validate()); err != nil {
		return err
	}
	next := []*Item{it}
	for _, x := range all {
		if x.ID != it.ID || it.ID == 0 {
			next = append(next, x)
		}
	}
	if it.ID == 0 && slices.ContainsFunc(all, func(x *Item) bool { return x.Code == it.Code }) {
		bad = append(bad, huanxin.FieldError{Field: "code", Message: "编号已存在 code already taken"})
	}
	if err := collect(CheckDependencies(next)); err != nil {
		return err
	}
	if len(bad) > 0 {
		return huanxin.Invalid("改造内容填写有误 invalid catalogue item", bad...)
	}
	return nil
}
