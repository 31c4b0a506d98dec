package store

import (
	"context"
	"strings"
	"sync"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/audit"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

var collators = sync.Pool{New: func() any { return collate.New(language.Chinese) }}

// SortKey returns the collation key that orders Chinese names by pinyin;
// both engines compare the stored bytes with memcmp.
func SortKey(s string) []byte {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	return append([]byte(nil), c.KeyFromString(&buf, s)...)
}

// searchText is what name/address search matches against: lower-cased so
// that Latin letters match either case on both engines.
func searchText(parts ...string) string { return strings.ToLower(strings.Join(parts, " ")) }

var jurisdictionTable = &table[estate.Jurisdiction]{
	entity: estate.EntityJurisdiction, name: "jurisdictions",
	cols: []string{"parent_id", "level", "code", "name", "name_sort", "path"},
	values: func(_ *DB, j *estate.Jurisdiction) []any {
		var parent any
		if j.ParentID != 0 {
			parent = j.ParentID
		}
		return []any{parent, j.Level, j.Code, j.Name, SortKey(j.Name), j.Path}
	},
	dest: func(j *estate.Jurisdiction) []any {
		return []any{&j.ID, &j.CityID, nullInt{&j.ParentID}, &j.Level, &j.Code, &j.Name, new([]byte), &j.Path,
			stamp{&j.Created}, stamp{&j.Updated}}
	},
	scope: func(s huanxin.Scope, w *where) {
		if s.All {
			return
		}
		var or []string
		for _, p := range s.Paths {
			or = append(or, pathPrefix("x.path"))
			lo, hi := prefixRange(p)
			w.args = append(w.args, lo, hi)
		}
		if len(or) == 0 {
			w.conds = append(w.conds, "1 = 0")
			return
		}
		w.conds = append(w.conds, "("+strings.Join(or, " OR ")+")")
	},
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.parent_id", f.ParentID)
		eq(w, "x.level", f.Level)
		if f.Code != "" {
			w.add("x.code = ?", f.Code)
		}
		if q := strings.TrimSpace(f.Q); q != "" {
			w.add("x.name LIKE ? ESCAPE '\\'", "%"+likeEscape(q)+"%")
		}
	},
	order: "x.path",
	city:  func(j *estate.Jurisdiction) int64 { return j.CityID },
}

// nullInt scans a nullable integer into an int64 (NULL as 0).
type nullInt struct{ p *int64 }

func (n nullInt) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*n.p = v
	case nil:
		*n.p = 0
	default:
		return huanxin.Errorf(huanxin.EINTERNAL, "unexpected %T", src)
	}
	return nil
}

// FindJurisdictions lists jurisdictions in tree order.
func (db *DB) FindJurisdictions(ctx context.Context, f estate.Filter) ([]*estate.Jurisdiction, int, error) {
	return find(ctx, db, jurisdictionTable, f)
}

// CreateJurisdiction stores a node; j.Path holds the parent's path and gets
// the new ID appended; a city node becomes its own city key.
func (db *DB) CreateJurisdiction(ctx context.Context, j *estate.Jurisdiction) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		parentPath := j.Path
		if parentPath == "" {
			parentPath = "/"
		}
		j.Path = parentPath + "pending/"
		if err := insertTx(tx, jurisdictionTable, j, func(id int64) { j.ID = id }); err != nil {
			return err
		}
		j.Path = parentPath + itoa64(j.ID) + "/"
		if j.Level == huanxin.LevelCity {
			j.CityID = j.ID
		}
		j.Created, j.Updated = tx.now, tx.now
		_, err := tx.exec("UPDATE jurisdictions SET path = ?, city_id = ? WHERE id = ?", j.Path, j.CityID, j.ID)
		return err
	})
}

// UpdateJurisdiction renames a node (its place in the tree is fixed).
func (db *DB) UpdateJurisdiction(ctx context.Context, j *estate.Jurisdiction) error {
	return update(ctx, db, jurisdictionTable, j, j.ID)
}

const estateJoin = ` JOIN jurisdictions jc ON jc.id = x.jurisdiction_id
 LEFT JOIN jurisdictions js ON js.id = jc.parent_id
 LEFT JOIN jurisdictions jd ON jd.id = js.parent_id`

var estateTable = &table[estate.Estate]{
	entity: estate.EntityEstate, name: "estates",
	cols: []string{"jurisdiction_id", "jpath", "code", "name", "name_sort", "search", "address", "lat_e6", "lng_e6",
		"boundary", "year_built", "land_area", "buildings", "dwellings", "management", "original_owner", "status", "notes"},
	values: func(db *DB, e *estate.Estate) []any {
		return []any{e.JurisdictionID, "", e.Code, e.Name, SortKey(e.Name), searchText(e.Name, e.Address, e.Code), e.Address,
			e.Lat, e.Lng, e.Boundary, e.YearBuilt, e.LandArea, e.Buildings, e.Dwellings, e.Management,
			e.OriginalOwner, e.Status, e.Notes}
	},
	dest: func(e *estate.Estate) []any {
		return []any{&e.ID, &e.CityID, &e.JurisdictionID, new(string), &e.Code, &e.Name, new([]byte), new(string),
			&e.Address, &e.Lat, &e.Lng, &e.Boundary, &e.YearBuilt, &e.LandArea, &e.Buildings, &e.Dwellings,
			&e.Management, &e.OriginalOwner, &e.Status, &e.Notes, stamp{&e.Created}, stamp{&e.Updated},
			&e.Community, &e.Street, &e.District}
	},
	extra: ", jc.name, COALESCE(js.name, ''), COALESCE(jd.name, '')",
	join:  estateJoin,
	scope: func(s huanxin.Scope, w *where) { scopeEstates("x.id")(s, w) },
	filter: func(f estate.Filter, w *where) {
		if f.JurisdictionID != nil {
			w.add("x.jurisdiction_id IN (SELECT id FROM jurisdictions WHERE path LIKE (SELECT path FROM jurisdictions WHERE id = ?) || '%')", *f.JurisdictionID)
		}
		if f.Code != "" {
			w.add("x.code = ?", f.Code)
		}
		if f.YearFrom != nil {
			w.add("x.year_built >= ?", *f.YearFrom)
		}
		if f.YearTo != nil {
			w.add("x.year_built <= ?", *f.YearTo)
		}
		eq(w, "x.status", f.Status)
		eq(w, "x.management", f.Management)
		if q := strings.TrimSpace(f.Q); q != "" {
			w.add("x.search LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(q))+"%")
		}
	},
	order: "x.name_sort, x.id",
	city:  func(e *estate.Estate) int64 { return e.CityID },
}

// FindEstates lists estates by pinyin order of their names.
func (db *DB) FindEstates(ctx context.Context, f estate.Filter) ([]*estate.Estate, int, error) {
	return find(ctx, db, estateTable, f)
}

// CreateEstate stores an estate under its jurisdiction.
func (db *DB) CreateEstate(ctx context.Context, e *estate.Estate) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := insertTx(tx, estateTable, e, func(id int64) { e.ID = id }); err != nil {
			return err
		}
		return tx.setEstatePath(e.ID)
	})
}

// setEstatePath copies the jurisdiction's path into the estate, which
// scope checks match against.
func (tx *Tx) setEstatePath(id int64) error {
	_, err := tx.exec("UPDATE estates SET jpath = (SELECT path FROM jurisdictions WHERE id = estates.jurisdiction_id) WHERE id = ?", id)
	return err
}

// UpdateEstate changes an estate.
func (db *DB) UpdateEstate(ctx context.Context, e *estate.Estate) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := updateTx(tx, estateTable, e, e.ID); err != nil {
			return err
		}
		return tx.setEstatePath(e.ID)
	})
}

var buildingTable = &table[estate.Building]{
	entity: estate.EntityBuilding, name: "buildings",
	cols: []string{"estate_id", "no", "floors", "year_built"},
	values: func(_ *DB, b *estate.Building) []any {
		return []any{b.EstateID, b.No, b.Floors, b.Year}
	},
	dest: func(b *estate.Building) []any {
		return []any{&b.ID, &b.CityID, &b.EstateID, &b.No, &b.Floors, &b.Year, stamp{&b.Created}, stamp{&b.Updated}}
	},
	scope: scopeParts("x.id", "building_id", "x.estate_id"),
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.estate_id", f.EstateID)
	},
	order: "x.estate_id, length(x.no), x.no",
	city:  func(b *estate.Building) int64 { return b.CityID },
}

// FindBuildings lists buildings.
func (db *DB) FindBuildings(ctx context.Context, f estate.Filter) ([]*estate.Building, int, error) {
	return find(ctx, db, buildingTable, f)
}

// CreateBuilding stores a building.
func (db *DB) CreateBuilding(ctx context.Context, b *estate.Building) error {
	return insert(ctx, db, buildingTable, b, func(id int64) { b.ID = id })
}

// UpdateBuilding changes a building.
func (db *DB) UpdateBuilding(ctx context.Context, b *estate.Building) error {
	return update(ctx, db, buildingTable, b, b.ID)
}

var stairwellTable = &table[estate.Stairwell]{
	entity: estate.EntityStairwell, name: "stairwells",
	cols: []string{"estate_id", "building_id", "no", "has_lift"},
	values: func(_ *DB, s *estate.Stairwell) []any {
		return []any{s.EstateID, s.BuildingID, s.No, s.HasLift}
	},
	dest: func(s *estate.Stairwell) []any {
		return []any{&s.ID, &s.CityID, &s.EstateID, &s.BuildingID, &s.No, &s.HasLift, stamp{&s.Created}, stamp{&s.Updated}}
	},
	scope: scopeParts("x.id", "stairwell_id", "x.estate_id"),
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.estate_id", f.EstateID)
		eq(w, "x.building_id", f.BuildingID)
	},
	order: "x.building_id, length(x.no), x.no",
	city:  func(s *estate.Stairwell) int64 { return s.CityID },
}

// FindStairwells lists stairwell units.
func (db *DB) FindStairwells(ctx context.Context, f estate.Filter) ([]*estate.Stairwell, int, error) {
	return find(ctx, db, stairwellTable, f)
}

// CreateStairwell stores a stairwell unit.
func (db *DB) CreateStairwell(ctx context.Context, s *estate.Stairwell) error {
	return insert(ctx, db, stairwellTable, s, func(id int64) { s.ID = id })
}

// UpdateStairwell changes a stairwell unit.
func (db *DB) UpdateStairwell(ctx context.Context, s *estate.Stairwell) error {
	return update(ctx, db, stairwellTable, s, s.ID)
}

var partTable = &table[estate.Part]{
	entity: estate.EntityPart, name: "parts",
	cols: []string{"estate_id", "building_id", "stairwell_id", "kind", "floor", "room", "area", "area_source", "sold", "delivered"},
	values: func(_ *DB, p *estate.Part) []any {
		return []any{p.EstateID, p.BuildingID, p.StairwellID, p.Kind, p.Floor, p.Room, p.Area, p.AreaSource, p.Sold, p.Delivered}
	},
	dest: func(p *estate.Part) []any {
		return []any{&p.ID, &p.CityID, &p.EstateID, &p.BuildingID, &p.StairwellID, &p.Kind, &p.Floor, &p.Room, &p.Area,
			&p.AreaSource, &p.Sold, &p.Delivered, stamp{&p.Created}, stamp{&p.Updated}, &p.BuildingNo, &p.StairwellNo}
	},
	extra: ", b.no, s.no",
	join:  " JOIN buildings b ON b.id = x.building_id JOIN stairwells s ON s.id = x.stairwell_id",
	scope: scopeParts("x.id", "id", "x.estate_id"),
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.estate_id", f.EstateID)
		eq(w, "x.building_id", f.BuildingID)
		eq(w, "x.stairwell_id", f.StairwellID)
		if f.OwnerID != nil {
			w.add("x.id IN (SELECT part_id FROM ownerships WHERE owner_id = ?)", *f.OwnerID)
		}
		if q := strings.TrimSpace(f.Q); q != "" {
			w.add("x.room LIKE ? ESCAPE '\\'", "%"+likeEscape(q)+"%")
		}
	},
	order: "x.building_id, x.stairwell_id, x.floor, length(x.room), x.room",
	city:  func(p *estate.Part) int64 { return p.CityID },
}

// FindParts lists exclusive parts.
func (db *DB) FindParts(ctx context.Context, f estate.Filter) ([]*estate.Part, int, error) {
	return find(ctx, db, partTable, f)
}

// CreatePart stores an exclusive part.
func (db *DB) CreatePart(ctx context.Context, p *estate.Part) error {
	return insert(ctx, db, partTable, p, func(id int64) { p.ID = id })
}

// UpdatePart changes an exclusive part.
func (db *DB) UpdatePart(ctx context.Context, p *estate.Part) error {
	return update(ctx, db, partTable, p, p.ID)
}

var ownerTable = &table[estate.Owner]{
	entity: estate.EntityOwner, name: "owners",
	cols: []string{"kind", "name", "id_hmac", "id_last4", "phone_enc", "phone_masked"},
	values: func(db *DB, o *estate.Owner) []any {
		return []any{o.Kind, o.Name, db.Keys.Hash(o.IDNumber), pii.Last4(o.IDNumber), db.Keys.Encrypt(o.Phone), pii.MaskPhone(o.Phone)}
	},
	dest: func(o *estate.Owner) []any {
		return []any{&o.ID, &o.CityID, &o.Kind, &o.Name, new([]byte), &o.IDLast4, &o.PhoneEnc, &o.PhoneMasked,
			stamp{&o.Created}, stamp{&o.Updated}}
	},
	scope: func(s huanxin.Scope, w *where) {
		if s.All {
			return
		}
		// An owner is visible through a holding in scope; an owner with no
		// holding yet is visible in the cities of the scope.
		var held where
		scopeParts("part_id", "id", "estate_id")(s, &held)
		cond := "x.id IN (SELECT owner_id FROM ownerships" + held.sql() + ")"
		w.args = append(w.args, held.args...)
		if len(s.Paths) > 0 {
			var cities where
			jurisdictionTable.scope(s, &cities)
			cond = "(" + cond + " OR (NOT EXISTS (SELECT 1 FROM ownerships h WHERE h.owner_id = x.id) AND x.city_id IN (SELECT x.city_id FROM jurisdictions x" + cities.sql() + ")))"
			w.args = append(w.args, cities.args...)
		}
		w.conds = append(w.conds, cond)
	},
	filter: func(f estate.Filter, w *where) {
		if f.PartID != nil {
			w.add("x.id IN (SELECT owner_id FROM ownerships WHERE part_id = ?)", *f.PartID)
		}
		if f.EstateID != nil {
			w.add("x.id IN (SELECT owner_id FROM ownerships WHERE estate_id = ?)", *f.EstateID)
		}
		if q := strings.TrimSpace(f.Q); q != "" {
			w.add("x.name LIKE ? ESCAPE '\\'", "%"+likeEscape(q)+"%")
		}
	},
	order: "x.id",
	city:  func(o *estate.Owner) int64 { return o.CityID },
	after: decryptPhone[estate.Owner](func(o *estate.Owner) (*[]byte, *string) { return &o.PhoneEnc, &o.Phone }),
}

// decryptPhone returns an after-scan hook that decrypts the phone for
// filters that ask for personal data, and always drops the ciphertext.
func decryptPhone[T any](fields func(*T) (*[]byte, *string)) func(*DB, *T, estate.Filter) {
	return func(db *DB, v *T, f estate.Filter) {
		enc, phone := fields(v)
		if f.WithPII {
			*phone, _ = db.Keys.Decrypt(*enc)
		}
		*enc = nil
	}
}

// FindOwners lists owners; full phone numbers only with f.WithPII.
func (db *DB) FindOwners(ctx context.Context, f estate.Filter) ([]*estate.Owner, int, error) {
	return find(ctx, db, ownerTable, f)
}

// CreateOwner stores an owner, keeping the ID number only as a keyed hash
// and its last four characters.
func (db *DB) CreateOwner(ctx context.Context, o *estate.Owner) error {
	err := insert(ctx, db, ownerTable, o, func(id int64) { o.ID = id })
	o.IDLast4, o.PhoneMasked, o.IDNumber = pii.Last4(o.IDNumber), pii.MaskPhone(o.Phone), ""
	return err
}

// UpdateOwner changes an owner's name, kind and phone.
func (db *DB) UpdateOwner(ctx context.Context, o *estate.Owner) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		o.PhoneMasked = pii.MaskPhone(o.Phone)
		res, err := tx.exec("UPDATE owners SET kind = ?, name = ?, phone_enc = ?, phone_masked = ?, updated = ? WHERE id = ? AND updated = ?",
			o.Kind, o.Name, db.Keys.Encrypt(o.Phone), o.PhoneMasked, micro(tx.now), o.ID, micro(o.Updated))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleOrMissing(tx, "owners", o.ID)
		}
		o.Updated = tx.now
		return tx.Audit(o.CityID, audit.ActionUpdate, estate.EntityOwner, o.ID, o, "")
	})
}

var ownershipTable = &table[estate.Ownership]{
	entity: estate.EntityOwnership, name: "ownerships",
	cols: []string{"estate_id", "part_id", "owner_id", "representative", "share_num", "share_den"},
	values: func(_ *DB, o *estate.Ownership) []any {
		return []any{o.EstateID, o.PartID, o.OwnerID, o.Representative, o.ShareNum, o.ShareDen}
	},
	dest: func(o *estate.Ownership) []any {
		return []any{&o.ID, &o.CityID, &o.EstateID, &o.PartID, &o.OwnerID, &o.Representative, &o.ShareNum, &o.ShareDen,
			stamp{&o.Created}, stamp{&o.Updated}, &o.OwnerName}
	},
	extra: ", o.name",
	join:  " JOIN owners o ON o.id = x.owner_id",
	scope: scopeParts("x.part_id", "id", "x.estate_id"),
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.estate_id", f.EstateID)
		eq(w, "x.part_id", f.PartID)
		eq(w, "x.owner_id", f.OwnerID)
		inBuilding(f, w)
	},
	order: "x.part_id, x.id",
	city:  func(o *estate.Ownership) int64 { return o.CityID },
}

// FindOwnerships lists ownerships.
func (db *DB) FindOwnerships(ctx context.Context, f estate.Filter) ([]*estate.Ownership, int, error) {
	return find(ctx, db, ownershipTable, f)
}

// CreateOwnership stores an ownership; a new representative replaces the
// part's former one.
func (db *DB) CreateOwnership(ctx context.Context, o *estate.Ownership) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.clearRepresentative(o); err != nil {
			return err
		}
		return insertTx(tx, ownershipTable, o, func(id int64) { o.ID = id })
	})
}

func (tx *Tx) clearRepresentative(o *estate.Ownership) error {
	if !o.Representative {
		return nil
	}
	_, err := tx.exec("UPDATE ownerships SET representative = FALSE WHERE part_id = ? AND id <> ?", o.PartID, o.ID)
	return err
}

// UpdateOwnership changes an ownership's share and representative flag.
func (db *DB) UpdateOwnership(ctx context.Context, o *estate.Ownership) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		if err := updateTx(tx, ownershipTable, o, o.ID); err != nil {
			return err
		}
		return tx.clearRepresentative(o)
	})
}

var residentTable = &table[estate.Resident]{
	entity: estate.EntityResident, name: "residents",
	cols: []string{"estate_id", "part_id", "kind", "name", "birth_year", "disabled", "phone_enc", "phone_masked", "moved_in"},
	values: func(db *DB, r *estate.Resident) []any {
		return []any{r.EstateID, r.PartID, r.Kind, r.Name, r.BirthYear, r.Disabled, db.Keys.Encrypt(r.Phone), pii.MaskPhone(r.Phone), r.MovedIn}
	},
	dest: func(r *estate.Resident) []any {
		return []any{&r.ID, &r.CityID, &r.EstateID, &r.PartID, &r.Kind, &r.Name, &r.BirthYear, &r.Disabled, &r.PhoneEnc,
			&r.PhoneMasked, &r.MovedIn, stamp{&r.Created}, stamp{&r.Updated}}
	},
	scope: scopeParts("x.part_id", "id", "x.estate_id"),
	filter: func(f estate.Filter, w *where) {
		eq(w, "x.estate_id", f.EstateID)
		eq(w, "x.part_id", f.PartID)
		inBuilding(f, w)
	},
	order: "x.part_id, x.id",
	city:  func(r *estate.Resident) int64 { return r.CityID },
	after: decryptPhone[estate.Resident](func(r *estate.Resident) (*[]byte, *string) { return &r.PhoneEnc, &r.Phone }),
}

// FindResidents lists residents.
func (db *DB) FindResidents(ctx context.Context, f estate.Filter) ([]*estate.Resident, int, error) {
	return find(ctx, db, residentTable, f)
}

// CreateResident stores a resident.
func (db *DB) CreateResident(ctx context.Context, r *estate.Resident) error {
	err := insert(ctx, db, residentTable, r, func(id int64) { r.ID = id })
	r.PhoneMasked = pii.MaskPhone(r.Phone)
	return err
}

// UpdateResident changes a resident.
func (db *DB) UpdateResident(ctx context.Context, r *estate.Resident) error {
	r.PhoneMasked = pii.MaskPhone(r.Phone)
	return update(ctx, db, residentTable, r, r.ID)
}

// inBuilding limits rows with a part_id to the parts of f.BuildingID.
func inBuilding(f estate.Filter, w *where) {
	if f.BuildingID != nil {
		w.add("x.part_id IN (SELECT id FROM parts WHERE building_id = ?)", *f.BuildingID)
	}
}
