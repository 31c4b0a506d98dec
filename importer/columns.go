package importer

import (
	"strings"
	"time"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
	"github.com/huanxin/huanxin/sheet"
	"github.com/huanxin/huanxin/store"
)

// lv is a level of the register: each spreadsheet kind reads or writes
// records of some of them.
type lv int8

const (
	lvJurisdiction lv = iota
	lvEstate
	lvBuilding
	lvStairwell
	lvPart
	lvOwner
	lvOwnership
	lvResident
	nLevels
)

// col is one column of the register spreadsheets: what it is in the file,
// the record level it belongs to, the schema columns an import of it
// updates, how a cell becomes part of a record and how a record exports it.
type col struct {
	sheet.Column
	lv  lv
	db  string                   // space-separated schema columns; "" for keys and references
	set func(r *rowCtx, rec any) // nil for keys and references
	get func(v *view) any
}

// Labels of the enumerations as the spreadsheets show them.
var (
	levelLabels = map[string]string{"省": string(huanxin.LevelProvince), "市": string(huanxin.LevelCity),
		"区县": string(huanxin.LevelDistrict), "街道": string(huanxin.LevelStreet), "社区": string(huanxin.LevelCommunity)}
	mgmtLabels = map[string]string{"专业物业": string(estate.MgmtProfessional), "单位自管": string(estate.MgmtEmployer),
		"居民自治": string(estate.MgmtSelf), "无人管理": string(estate.MgmtNone)}
	statusLabels = map[string]string{"待改造": string(estate.StatusCandidate), "已摸底": string(estate.StatusSurveyed),
		"已编制方案": string(estate.StatusPlanned), "业主表决中": string(estate.StatusVoting), "资金落实": string(estate.StatusFunded),
		"施工中": string(estate.StatusConstruction), "已验收": string(estate.StatusAccepted), "长效管理": string(estate.StatusUpkeep)}
	partKindLabels   = map[string]string{"住宅": string(estate.KindDwelling), "商铺": string(estate.KindShop)}
	sourceLabels     = map[string]string{"登记": string(estate.SourceRegister), "测绘": string(estate.SourceSurveyed), "合同": string(estate.SourceContract)}
	ownerKindLabels  = map[string]string{"个人": string(estate.OwnerPerson), "单位": string(estate.OwnerOrganisation)}
	residentKindLabs = map[string]string{"家庭成员": string(estate.ResidentFamily), "租户": string(estate.ResidentTenant)}
)

// label returns the spreadsheet label of an enumeration value.
func label[S ~string](labels map[string]string, v S) string {
	for l, x := range labels {
		if x == string(v) {
			return l
		}
	}
	return string(v)
}

func maxYear() int { return time.Now().In(huanxin.Shanghai).Year() + 1 }

// catalog lists every column of every kind; kinds pick theirs by key.
var catalog = func() map[string]*col {
	m := map[string]*col{}
	for _, c := range []*col{
		// Jurisdictions.
		{Column: sheet.Column{Key: "jur_code", Header: "编码", HeaderEN: "Code", Required: true, Example: "390102001001", Note: "行政区划代码"},
			lv: lvJurisdiction, get: func(v *view) any { return v.j.Code }},
		{Column: sheet.Column{Key: "jur_name", Header: "名称", HeaderEN: "Name", Required: true, Example: "钟楼社区"},
			lv: lvJurisdiction, set: func(r *rowCtx, v any) { v.(*jurRec).Name = r.str("jur_name", 60) },
			get: func(v *view) any { return v.j.Name }},
		{Column: sheet.Column{Key: "level", Header: "层级", HeaderEN: "Level", Required: true, Example: "社区", Note: "省/市/区县/街道/社区"},
			lv: lvJurisdiction, set: func(r *rowCtx, v any) { v.(*jurRec).Level = huanxin.Level(r.enum("level", levelLabels)) },
			get: func(v *view) any { return label(levelLabels, v.j.Level) }},
		{Column: sheet.Column{Key: "parent_code", Header: "上级编码", HeaderEN: "Parent code", Example: "390102001", Note: "省级不填"},
			lv: lvJurisdiction, set: func(r *rowCtx, v any) { v.(*jurRec).parent = r.str("parent_code", 20) },
			get: func(v *view) any { return v.parent }},

		// Estates; the estate code is also the reference of every level below.
		{Column: sheet.Column{Key: "estate_code", Header: "小区编码", HeaderEN: "Estate code", Required: true, Example: "HX-0001"},
			lv: lvEstate, get: func(v *view) any { return v.e.Code }},
		{Column: sheet.Column{Key: "estate_name", Header: "小区名称", HeaderEN: "Estate name", Required: true, Example: "纺织新村"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).Name = r.str("estate_name", 80) },
			get: func(v *view) any { return v.e.Name }},
		{Column: sheet.Column{Key: "community_code", Header: "所属社区编码", HeaderEN: "Community code", Required: true, Example: "390102001001", Note: "社区（或街道、区县）的行政区划代码"},
			lv: lvEstate, get: func(v *view) any { return v.comm }},
		{Column: sheet.Column{Key: "address", Header: "地址", HeaderEN: "Address", Example: "鼓楼区中山路12号"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).Address = r.str("address", 200) },
			get: func(v *view) any { return v.e.Address }},
		{Column: sheet.Column{Key: "year_built", Header: "建成年份", HeaderEN: "Year built", Required: true, Example: "1985"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).YearBuilt = r.int("year_built", 1900, maxYear()) },
			get: func(v *view) any { return v.e.YearBuilt }},
		{Column: sheet.Column{Key: "land_area", Header: "占地面积(㎡)", HeaderEN: "Land area (m2)", Example: "12000.50"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).LandArea = huanxin.Area(r.centi("land_area")) },
			get: func(v *view) any { return v.e.LandArea }},
		{Column: sheet.Column{Key: "management", Header: "管理模式", HeaderEN: "Management", Example: "无人管理", Note: "专业物业/单位自管/居民自治/无人管理"},
			lv: lvEstate, set: func(r *rowCtx, v any) {
				v.(*estate.Estate).Management = estate.ManagementModel(r.enumOr("management", mgmtLabels, string(estate.MgmtNone)))
			},
			get: func(v *view) any { return label(mgmtLabels, v.e.Management) }},
		{Column: sheet.Column{Key: "original_owner", Header: "原产权单位", HeaderEN: "Original owner", Example: "市纺织厂"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).OriginalOwner = r.str("original_owner", 100) },
			get: func(v *view) any { return v.e.OriginalOwner }},
		{Column: sheet.Column{Key: "status", Header: "改造状态", HeaderEN: "Status", Example: "待改造", Note: "待改造/已摸底/已编制方案/业主表决中/资金落实/施工中/已验收/长效管理"},
			lv: lvEstate, set: func(r *rowCtx, v any) {
				v.(*estate.Estate).Status = estate.Status(r.enumOr("status", statusLabels, string(estate.StatusCandidate)))
			},
			get: func(v *view) any { return label(statusLabels, v.e.Status) }},
		{Column: sheet.Column{Key: "lat", Header: "纬度", HeaderEN: "Latitude", Example: "30.272000", Note: "十进制度数，与经度同时填写"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).Lat = r.degrees("lat", 90) },
			get: func(v *view) any { return formatE6(v.e.Lat) }},
		{Column: sheet.Column{Key: "lng", Header: "经度", HeaderEN: "Longitude", Example: "120.168000"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).Lng = r.degrees("lng", 180) },
			get: func(v *view) any { return formatE6(v.e.Lng) }},
		{Column: sheet.Column{Key: "notes", Header: "备注", HeaderEN: "Notes"},
			lv: lvEstate, set: func(r *rowCtx, v any) { v.(*estate.Estate).Notes = r.str("notes", 2000) },
			get: func(v *view) any { return v.e.Notes }},

		// Buildings.
		{Column: sheet.Column{Key: "building_no", Header: "楼栋号", HeaderEN: "Building", Required: true, Example: "3"},
			lv: lvBuilding, get: func(v *view) any { return v.bldNo }},
		{Column: sheet.Column{Key: "floors", Header: "层数", HeaderEN: "Floors", Example: "6"},
			lv: lvBuilding, db: "floors", set: func(r *rowCtx, v any) { v.(*estate.Building).Floors = r.int("floors", 0, 200) },
			get: func(v *view) any { return v.b.Floors }},
		{Column: sheet.Column{Key: "building_year", Header: "建成年份", HeaderEN: "Year built", Example: "1985"},
			lv: lvBuilding, db: "year_built", set: func(r *rowCtx, v any) { v.(*estate.Building).Year = r.int("building_year", 1900, maxYear()) },
			get: func(v *view) any { return zero(v.b.Year) }},

		// Stairwell units.
		{Column: sheet.Column{Key: "unit_no", Header: "单元号", HeaderEN: "Unit", Required: true, Example: "1"},
			lv: lvStairwell, get: func(v *view) any { return v.unitNo }},
		{Column: sheet.Column{Key: "has_lift", Header: "有无电梯", HeaderEN: "Lift", Example: "否", Note: "是/否"},
			lv: lvStairwell, db: "has_lift", set: func(r *rowCtx, v any) { v.(*estate.Stairwell).HasLift = r.bool("has_lift", false) },
			get: func(v *view) any { return v.s.HasLift }},

		// Exclusive parts.
		{Column: sheet.Column{Key: "room", Header: "房号", HeaderEN: "Room", Required: true, Example: "301"},
			lv: lvPart, get: func(v *view) any { return v.p.Room }},
		{Column: sheet.Column{Key: "floor", Header: "所在楼层", HeaderEN: "Floor", Required: true, Example: "3"},
			lv: lvPart, db: "floor", set: func(r *rowCtx, v any) { v.(*estate.Part).Floor = r.int("floor", -5, 200) },
			get: func(v *view) any { return v.p.Floor }},
		{Column: sheet.Column{Key: "part_kind", Header: "类型", HeaderEN: "Type", Example: "住宅", Note: "住宅/商铺，空白为住宅"},
			lv: lvPart, db: "kind", set: func(r *rowCtx, v any) { v.(*estate.Part).Kind = estate.PartKind(r.enum("part_kind", partKindLabels)) },
			get: func(v *view) any { return label(partKindLabels, v.p.Kind) }},
		{Column: sheet.Column{Key: "area", Header: "建筑面积(㎡)", HeaderEN: "Floor area (m2)", Required: true, Example: "65.32"},
			lv: lvPart, db: "area", set: func(r *rowCtx, v any) { v.(*estate.Part).Area = huanxin.Area(r.centi("area")) },
			get: func(v *view) any { return v.p.Area }},
		{Column: sheet.Column{Key: "area_source", Header: "面积来源", HeaderEN: "Area source", Example: "登记", Note: "登记/测绘/合同，空白为登记"},
			lv: lvPart, db: "area_source", set: func(r *rowCtx, v any) {
				v.(*estate.Part).AreaSource = estate.AreaSource(r.enum("area_source", sourceLabels))
			},
			get: func(v *view) any { return label(sourceLabels, v.p.AreaSource) }},
		{Column: sheet.Column{Key: "sold", Header: "已售", HeaderEN: "Sold", Example: "是", Note: "是/否，空白为是"},
			lv: lvPart, db: "sold", set: func(r *rowCtx, v any) { v.(*estate.Part).Sold = r.bool("sold", true) },
			get: func(v *view) any { return v.p.Sold }},
		{Column: sheet.Column{Key: "delivered", Header: "已交付", HeaderEN: "Delivered", Example: "是", Note: "是/否，空白为是"},
			lv: lvPart, db: "delivered", set: func(r *rowCtx, v any) { v.(*estate.Part).Delivered = r.bool("delivered", true) },
			get: func(v *view) any { return v.p.Delivered }},

		// Owners.
		{Column: sheet.Column{Key: "id_number", Header: "证件号码", HeaderEN: "ID number", Required: true, Example: "11010519491231002X",
			Note: "身份证号或统一社会信用代码；系统只保存其摘要和后四位"},
			lv: lvOwner, get: func(v *view) any { return ifOwner(v, func(o *estate.Owner) any { return pii.MaskID(o.IDLast4) }) }},
		{Column: sheet.Column{Key: "owner_name", Header: "姓名/名称", HeaderEN: "Name", Required: true, Example: "张三"},
			lv: lvOwner, db: "name", set: func(r *rowCtx, v any) { v.(*estate.Owner).Name = r.str("owner_name", 0) },
			get: func(v *view) any { return ifOwner(v, func(o *estate.Owner) any { return o.Name }) }},
		{Column: sheet.Column{Key: "owner_kind", Header: "类型", HeaderEN: "Type", Example: "个人", Note: "个人/单位，空白为个人"},
			lv: lvOwner, db: "kind", set: func(r *rowCtx, v any) {
				v.(*estate.Owner).Kind = estate.OwnerKind(r.enum("owner_kind", ownerKindLabels))
			},
			get: func(v *view) any {
				return ifOwner(v, func(o *estate.Owner) any { return label(ownerKindLabels, o.Kind) })
			}},
		{Column: sheet.Column{Key: "phone", Header: "手机号", HeaderEN: "Mobile", Example: "13812345678"},
			lv: lvOwner, db: "phone_enc phone_masked", set: func(r *rowCtx, v any) { v.(*estate.Owner).Phone = r.phone("phone") },
			get: func(v *view) any {
				return ifOwner(v, func(o *estate.Owner) any { return phoneOf(o.Phone, o.PhoneMasked) })
			}},

		// Ownerships.
		{Column: sheet.Column{Key: "share", Header: "份额", HeaderEN: "Share", Example: "1/2", Note: "如 1/2、50%，空白为均分"},
			lv: lvOwnership, db: "share_num share_den", set: func(r *rowCtx, v any) {
				o := v.(*estate.Ownership)
				o.ShareNum, o.ShareDen = r.share("share")
			},
			get: func(v *view) any {
				if v.os == nil {
					return nil
				}
				return formatShare(v.os.ShareNum, v.os.ShareDen)
			}},
		{Column: sheet.Column{Key: "representative", Header: "是否代表", HeaderEN: "Representative", Example: "是", Note: "共有房屋须指定一名代表"},
			lv: lvOwnership, db: "representative", set: func(r *rowCtx, v any) { v.(*estate.Ownership).Representative = r.bool("representative", false) },
			get: func(v *view) any {
				if v.os == nil {
					return nil
				}
				return v.os.Representative
			}},

		// Residents.
		{Column: sheet.Column{Key: "resident_name", Header: "姓名", HeaderEN: "Name", Required: true, Example: "李四"},
			lv: lvResident, get: func(v *view) any { return v.r.Name }},
		{Column: sheet.Column{Key: "resident_kind", Header: "类型", HeaderEN: "Type", Example: "家庭成员", Note: "家庭成员/租户，空白为家庭成员"},
			lv: lvResident, db: "kind", set: func(r *rowCtx, v any) {
				v.(*estate.Resident).Kind = estate.ResidentKind(r.enumOr("resident_kind", residentKindLabs, string(estate.ResidentFamily)))
			},
			get: func(v *view) any { return label(residentKindLabs, v.r.Kind) }},
		{Column: sheet.Column{Key: "birth_year", Header: "出生年份", HeaderEN: "Birth year", Example: "1950"},
			lv: lvResident, db: "birth_year", set: func(r *rowCtx, v any) { v.(*estate.Resident).BirthYear = r.int("birth_year", 1900, maxYear()) },
			get: func(v *view) any { return zero(v.r.BirthYear) }},
		{Column: sheet.Column{Key: "disabled", Header: "残疾人", HeaderEN: "Disabled", Example: "否"},
			lv: lvResident, db: "disabled", set: func(r *rowCtx, v any) { v.(*estate.Resident).Disabled = r.bool("disabled", false) },
			get: func(v *view) any { return v.r.Disabled }},
		{Column: sheet.Column{Key: "resident_phone", Header: "手机号", HeaderEN: "Mobile", Example: "13912345678"},
			lv: lvResident, db: "phone_enc phone_masked", set: func(r *rowCtx, v any) { v.(*estate.Resident).Phone = r.phone("resident_phone") },
			get: func(v *view) any { return phoneOf(v.r.Phone, v.r.PhoneMasked) }},
		{Column: sheet.Column{Key: "moved_in", Header: "入住日期", HeaderEN: "Moved in", Example: "2015-06-01", Note: "YYYY-MM-DD"},
			lv: lvResident, db: "moved_in", set: func(r *rowCtx, v any) { v.(*estate.Resident).MovedIn = r.date("moved_in") },
			get: func(v *view) any { return v.r.MovedIn }},
	} {
		m[c.Key] = c
	}
	return m
}()

// kind describes one kind of register spreadsheet: its columns, what it
// does with each level of the register (a level it lacks is absent from
// modes) and the level of which each row is one record.
type kind struct {
	sheet.Template
	on   [nLevels]bool
	mode [nLevels]store.Mode
	leaf lv
	cols []*col // the template's columns in order
	pii  bool   // an export holds personal data and is audited
}

func (k *kind) has(l lv) bool { return k.on[l] }

// newKind builds a kind from column specs: "key", or "key=中文/English"
// for a column that has other headers in this kind; a spec ending in "?"
// makes a required column optional.
func newKind(name, sheetName string, leaf lv, modes map[lv]store.Mode, pii bool, specs ...string) *kind {
	k := &kind{Template: sheet.Template{Kind: name, Sheet: sheetName}, leaf: leaf, pii: pii}
	for l, m := range modes {
		k.on[l], k.mode[l] = true, m
	}
	for _, s := range specs {
		s, optional := strings.CutSuffix(s, "?")
		key, header, renamed := strings.Cut(s, "=")
		c := catalog[key]
		if c == nil {
			panic("importer: no column " + key)
		}
		if renamed || optional {
			cp := *c
			if renamed {
				cp.Header, cp.HeaderEN, _ = strings.Cut(header, "/")
			}
			cp.Required = cp.Required && !optional
			c = &cp
		}
		k.cols = append(k.cols, c)
		k.Columns = append(k.Columns, c.Column)
	}
	return k
}

const (
	ref, ensure, upsert = store.Ref, store.Ensure, store.Upsert
)

// kinds lists the spreadsheet kinds in menu order.
var kinds = []*kind{
	newKind("jurisdictions", "辖区", lvJurisdiction, map[lv]store.Mode{lvJurisdiction: upsert}, false,
		"jur_code", "jur_name", "level", "parent_code"),
	newKind("estates", "小区", lvEstate, map[lv]store.Mode{lvEstate: upsert}, false,
		"estate_code", "estate_name", "community_code", "address", "year_built", "land_area", "management",
		"original_owner", "status", "lat", "lng", "notes"),
	newKind("buildings", "楼栋", lvBuilding, map[lv]store.Mode{lvEstate: ref, lvBuilding: upsert}, false,
		"estate_code", "building_no", "floors", "building_year"),
	newKind("stairwells", "单元", lvStairwell, map[lv]store.Mode{lvEstate: ref, lvBuilding: ref, lvStairwell: upsert}, false,
		"estate_code", "building_no", "unit_no", "has_lift"),
	newKind("parts", "房屋", lvPart, map[lv]store.Mode{lvEstate: ref, lvBuilding: ref, lvStairwell: ref, lvPart: upsert}, false,
		"estate_code", "building_no", "unit_no", "room", "floor", "part_kind", "area", "area_source", "sold", "delivered"),
	newKind("owners", "产权人", lvOwner, map[lv]store.Mode{lvOwner: upsert}, true,
		"id_number", "owner_name", "owner_kind", "phone"),
	newKind("ownerships", "产权关系", lvOwnership, map[lv]store.Mode{lvEstate: ref, lvBuilding: ref, lvStairwell: ref, lvPart: ref,
		lvOwner: ref, lvOwnership: upsert}, true,
		"estate_code", "building_no", "unit_no", "room", "id_number", "owner_name=产权人姓名/Owner name?", "share", "representative"),
	newKind("residents", "住户", lvResident, map[lv]store.Mode{lvEstate: ref, lvBuilding: ref, lvStairwell: ref, lvPart: ref,
		lvResident: upsert}, true,
		"estate_code", "building_no", "unit_no", "room", "resident_name", "resident_kind", "birth_year", "disabled",
		"resident_phone", "moved_in"),
	newKind("dwellings", "房屋清册", lvOwnership, map[lv]store.Mode{lvEstate: ref, lvBuilding: ensure, lvStairwell: ensure,
		lvPart: upsert, lvOwner: upsert, lvOwnership: upsert}, true,
		"estate_code", "building_no", "unit_no", "room", "floor=楼层/Floor", "part_kind", "area", "area_source", "sold",
		"delivered", "id_number=产权人证件号码/Owner ID number?", "owner_name=产权人姓名/Owner name?",
		"owner_kind=产权人类型/Owner type", "phone", "share", "representative"),
}

func kindOf(name string) *kind {
	for _, k := range kinds {
		if k.Kind == name {
			return k
		}
	}
	return nil
}

// zero shows 0 as an empty cell.
func zero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// phoneOf is the full phone where the reader may see it, else the masked one.
func phoneOf(full, masked string) string {
	if full != "" {
		return full
	}
	return masked
}

func ifOwner(v *view, f func(o *estate.Owner) any) any {
	if v.o == nil {
		return nil
	}
	return f(v.o)
}
