package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/internal/testdb"
	"github.com/huanxin/huanxin/planning"
	"github.com/huanxin/huanxin/store"
)

func TestCatalogueStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 9, Name: "王科长", Role: huanxin.RoleBureau})
		const city, other = 11, 12
		def := planning.DefaultCatalogue()
		if n, err := db.SeedCatalogue(ctx, city, def); err != nil || n != len(def) {
			t.Fatalf("seed: %d %v", n, err)
		}
		// Seeding again adds nothing and writes no second entry.
		if n, err := db.SeedCatalogue(ctx, city, def); err != nil || n != 0 {
			t.Fatalf("seed again: %d %v", n, err)
		}
		cityID := int64(city)
		es, _, err := db.FindAudit(ctx, audit.Filter{CityID: &cityID, Entity: "catalogue", Limit: 10}, []int64{city})
		if err != nil || len(es) != 1 || es[0].EntityID != city {
			t.Fatalf("seed audit %+v %v", es, err)
		}
		items, err := db.CatalogueItems(ctx, city)
		if err != nil || len(items) != len(def) {
			t.Fatalf("items %d %v", len(items), err)
		}
		if got, _ := db.CatalogueItems(ctx, other); len(got) != 0 {
			t.Fatalf("other city has %d items", len(got))
		}
		// Every field survives the round trip, lists included (empty ones as
		// empty, not nil).
		it := &planning.Item{CityID: city, Code: "X01", Name: "海绵化改造", NameEn: "Sponge retrofit", Category: planning.CategoryEnhance,
			Unit: "m²", UnitCost: 123_45, LifeYears: 20, DecisionItem: decision.ItemChangeUse,
			Sources:  []string{planning.SourceSocialCapital, planning.SourceOwners},
			SignOffs: []string{}, DependsOn: []string{"B02", "B05"}, Active: true, Notes: "试点"}
		if err := db.CreateCatalogueItem(ctx, it); err != nil || it.ID == 0 || it.UpdatedBy != 9 || it.Updated.IsZero() {
			t.Fatalf("create %v %+v", err, it)
		}
		got, err := db.CatalogueItemByID(ctx, it.ID)
		if err != nil || !reflect.DeepEqual(got, it) {
			t.Fatalf("round trip:\n%+v\n%+v %v", got, it, err)
		}
		dup := *it
		dup.ID = 0
		if err := db.CreateCatalogueItem(ctx, &dup); huanxin.ErrorCode(err) != huanxin.ECONFLICT {
			t.Errorf("same code: %v", err)
		}
		dup.CityID = other
		if err := db.CreateCatalogueItem(ctx, &dup); err != nil {
			t.Errorf("same code in another city: %v", err)
		}
		// Updates change everything but the city and the code.
		it.Name, it.Code, it.Sources, it.Active, it.UnitCost = "海绵城市改造", "Y01", []string{}, false, 0
		if err := db.UpdateCatalogueItem(ctx, it); err != nil {
			t.Fatal(err)
		}
		got, _ = db.CatalogueItemByID(ctx, it.ID)
		if got.Name != "海绵城市改造" || got.Code != "X01" || len(got.Sources) != 0 || got.Active || got.UnitCost != 0 {
			t.Errorf("updated %+v", got)
		}
		gone := *it
		gone.ID = 1 << 40
		if err := db.UpdateCatalogueItem(ctx, &gone); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("update missing: %v", err)
		}
		if _, err := db.CatalogueItemByID(ctx, 1<<40); huanxin.ErrorCode(err) != huanxin.ENOTFOUND {
			t.Errorf("get missing: %v", err)
		}
		es, _, _ = db.FindAudit(ctx, audit.Filter{CityID: &cityID, Entity: "catalogue_item", Limit: 10}, []int64{city})
		if len(es) != 2 {
			t.Errorf("item audit entries %d", len(es))
		}
	})
}
