// Package testworld builds a small city for service tests: the
// jurisdiction tree down to one community, an estate of two buildings,
// and officers bound at the community, the street and the district.
package testworld

import (
	"context"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/store"
)

// World is the built city.
type World struct {
	Register                    *estate.Service
	Jurisdictions               map[huanxin.Level]*estate.Jurisdiction
	Estate                      *estate.Estate
	B1, B2                      *estate.Building
	Community, Street, District context.Context // officers' contexts (user IDs 1, 2, 3)
	Resident                    context.Context // a resident of the estate (user 9)
	System                      context.Context
}

// New builds the world in db. The city's decision rules let votes open at
// once (no minimum notice, no objection period).
func New(t testing.TB, db *store.DB) *World {
	t.Helper()
	sys := huanxin.NewContextWithActor(context.Background(), huanxin.SystemActor)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &World{Register: &estate.Service{Store: db}, Jurisdictions: map[huanxin.Level]*estate.Jurisdiction{}, System: sys}
	var parent *estate.Jurisdiction
	for i, l := range huanxin.Levels {
		j := &estate.Jurisdiction{Level: l, Code: "44" + string(rune('0'+i)), Name: "辖区" + string(l)}
		if parent != nil {
			j.ParentID = parent.ID
		}
		must(w.Register.Jurisdictions().Create(sys, j))
		stored, err := w.Register.Jurisdictions().Get(sys, j.ID)
		must(err)
		w.Jurisdictions[l], parent = stored, stored
	}
	w.Estate = &estate.Estate{JurisdictionID: w.Jurisdictions[huanxin.LevelCommunity].ID, Code: "P1", Name: "棉纺新村", YearBuilt: 1982}
	must(w.Register.Estates().Create(sys, w.Estate))
	w.B1 = &estate.Building{EstateID: w.Estate.ID, No: "1", Floors: 6}
	w.B2 = &estate.Building{EstateID: w.Estate.ID, No: "2", Floors: 6}
	must(w.Register.Buildings().Create(sys, w.B1))
	must(w.Register.Buildings().Create(sys, w.B2))
	officer := func(id int64, l huanxin.Level, role huanxin.Role) context.Context {
		return huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: id, Name: string(l), Role: role,
			Scope: huanxin.Scope{Paths: []string{w.Jurisdictions[l].Path}}})
	}
	w.Community = officer(1, huanxin.LevelCommunity, huanxin.RoleCommunity)
	w.Street = officer(2, huanxin.LevelStreet, huanxin.RoleStreet)
	w.District = officer(3, huanxin.LevelDistrict, huanxin.RoleBureau)
	w.Resident = huanxin.NewContextWithActor(context.Background(), &huanxin.Actor{UserID: 9, Role: huanxin.RoleResident,
		Scope: huanxin.Scope{EstateIDs: []int64{w.Estate.ID}}})
	must(db.SetCitySettings(sys, w.Estate.CityID, decision.Rules{Conflict: decision.ConflictFirst}.Settings(), 1))
	return w
}
