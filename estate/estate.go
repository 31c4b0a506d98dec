// Package estate is the register of old residential estates: jurisdictions,
// estates, buildings, stairwell units, exclusive parts (dwellings and shops),
// owners, ownerships and residents.
package estate

import (
	"time"

	"github.com/huanxin/huanxin"
)

// Jurisdiction is a node of the administrative tree.
type Jurisdiction struct {
	ID       int64         `json:"id"`
	ParentID int64         `json:"parent_id,omitempty"`
	CityID   int64         `json:"city_id"` // distribution key; 0 above city level
	Level    huanxin.Level `json:"level"`
	Code     string        `json:"code"` // administrative division code, unique
	Name     string        `json:"name"`
	Path     string        `json:"path"` // "/1/3/17/": ids from the root, for scope checks
	Created  time.Time     `json:"created"`
	Updated  time.Time     `json:"updated"`
}

// ManagementModel is how an estate is managed.
type ManagementModel string

const (
	MgmtProfessional ManagementModel = "professional" // 专业物业
	MgmtEmployer     ManagementModel = "employer"     // 单位自管
	MgmtSelf         ManagementModel = "self"         // 居民自治
	MgmtNone         ManagementModel = "none"         // 无人管理
)

// ManagementModels lists the models in display order.
var ManagementModels = []ManagementModel{MgmtProfessional, MgmtEmployer, MgmtSelf, MgmtNone}

// Status is where an estate stands in its renovation.
type Status string

const (
	StatusCandidate    Status = "candidate"    // 待改造
	StatusSurveyed     Status = "surveyed"     // 已摸底
	StatusPlanned      Status = "planned"      // 已编制方案
	StatusVoting       Status = "voting"       // 业主表决中
	StatusFunded       Status = "funded"       // 资金落实
	StatusConstruction Status = "construction" // 施工中
	StatusAccepted     Status = "accepted"     // 已验收
	StatusUpkeep       Status = "upkeep"       // 长效管理
)

// Statuses lists the renovation statuses in order.
var Statuses = []Status{StatusCandidate, StatusSurveyed, StatusPlanned, StatusVoting,
	StatusFunded, StatusConstruction, StatusAccepted, StatusUpkeep}

// Estate is a residential estate (小区), or a single residential building
// treated as one.
type Estate struct {
	ID             int64           `json:"id"`
	CityID         int64           `json:"city_id"`
	JurisdictionID int64           `json:"jurisdiction_id"` // the community (or street) it belongs to
	Code           string          `json:"code"`            // natural key, unique in the city
	Name           string          `json:"name"`
	Address        string          `json:"address"`
	Lat            *int64          `json:"lat_e6,omitempty"` // degrees × 10^6
	Lng            *int64          `json:"lng_e6,omitempty"`
	Boundary       string          `json:"boundary,omitempty"` // GeoJSON Polygon, optional
	YearBuilt      int             `json:"year_built"`
	LandArea       huanxin.Area    `json:"land_area"`
	Buildings      int             `json:"buildings"` // declared counts, from the survey of record
	Dwellings      int             `json:"dwellings"`
	Management     ManagementModel `json:"management"`
	OriginalOwner  string          `json:"original_owner,omitempty"` // 原产权单位
	Status         Status          `json:"status"`
	Notes          string          `json:"notes,omitempty"`
	Created        time.Time       `json:"created"`
	Updated        time.Time       `json:"updated"`

	// Read-only, filled by lists: jurisdiction names for display.
	District  string `json:"district,omitempty"`
	Street    string `json:"street,omitempty"`
	Community string `json:"community,omitempty"`
}

// Building is a building (楼栋) of an estate.
type Building struct {
	ID       int64     `json:"id"`
	CityID   int64     `json:"city_id"`
	EstateID int64     `json:"estate_id"`
	No       string    `json:"no"` // building number as written locally, e.g. "3" or "3幢"
	Floors   int       `json:"floors"`
	Year     int       `json:"year_built,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Stairwell is a stairwell unit (单元) of a building.
type Stairwell struct {
	ID         int64     `json:"id"`
	CityID     int64     `json:"city_id"`
	EstateID   int64     `json:"estate_id"`
	BuildingID int64     `json:"building_id"`
	No         string    `json:"no"`
	HasLift    bool      `json:"has_lift"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// PartKind says whether an exclusive part is a dwelling or a shop.
type PartKind string

const (
	KindDwelling PartKind = "dwelling" // 住宅
	KindShop     PartKind = "shop"     // 商铺
)

// AreaSource says where an exclusive part's floor area comes from; the
// counting rules of a vote use register, else surveyed, else contract.
type AreaSource string

const (
	SourceRegister AreaSource = "register" // 不动产登记簿
	SourceSurveyed AreaSource = "surveyed" // 测绘
	SourceContract AreaSource = "contract" // 购房合同
)

// Part is an exclusive part (专有部分): a dwelling or a shop unit.
type Part struct {
	ID          int64        `json:"id"`
	CityID      int64        `json:"city_id"`
	EstateID    int64        `json:"estate_id"`
	BuildingID  int64        `json:"building_id"`
	StairwellID int64        `json:"stairwell_id"`
	Kind        PartKind     `json:"kind"`
	Floor       int          `json:"floor"`
	Room        string       `json:"room"`
	Area        huanxin.Area `json:"area"`
	AreaSource  AreaSource   `json:"area_source"`
	Sold        bool         `json:"sold"`      // the developer has sold it
	Delivered   bool         `json:"delivered"` // and handed it over
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`

	// Read-only, filled by lists.
	BuildingNo  string `json:"building_no,omitempty"`
	StairwellNo string `json:"stairwell_no,omitempty"`
}

// HeldByDeveloper reports whether the part still counts as the developer's
// (not sold, or sold but not delivered).
func (p Part) HeldByDeveloper() bool { return !p.Sold || !p.Delivered }

// OwnerKind says whether an owner is a natural person or an organisation.
type OwnerKind string

const (
	OwnerPerson       OwnerKind = "person"
	OwnerOrganisation OwnerKind = "organisation"
)

// Owner is a person or organisation that holds exclusive parts. Personal
// data are kept protected: the ID number only as a keyed hash and its last
// four characters, the phone encrypted with a masked copy for display.
type Owner struct {
	ID          int64     `json:"id"`
	CityID      int64     `json:"city_id"`
	Kind        OwnerKind `json:"kind"`
	Name        string    `json:"name"`
	IDLast4     string    `json:"id_last4,omitempty"`
	PhoneMasked string    `json:"phone_masked,omitempty"`
	// Phone is the full number; it is filled only for roles that may see it
	// and when writing.
	Phone string `json:"phone,omitempty"`
	// IDNumber is accepted on writes only; it is never stored or returned.
	IDNumber string `json:"id_number,omitempty"`
	// PhoneEnc is the stored ciphertext; the store clears it after reading.
	PhoneEnc []byte    `json:"-"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Ownership links an owner to an exclusive part.
type Ownership struct {
	ID             int64     `json:"id"`
	CityID         int64     `json:"city_id"`
	EstateID       int64     `json:"estate_id"`
	PartID         int64     `json:"part_id"`
	OwnerID        int64     `json:"owner_id"`
	Representative bool      `json:"representative"` // votes for the co-owners
	ShareNum       int64     `json:"share_num"`      // ownership share as a fraction, 1/1 if sole
	ShareDen       int64     `json:"share_den"`
	Created        time.Time `json:"created"`
	Updated        time.Time `json:"updated"`

	OwnerName string `json:"owner_name,omitempty"` // read-only
}

// ResidentKind distinguishes owner-occupiers' family members and tenants.
type ResidentKind string

const (
	ResidentFamily ResidentKind = "family" // 家庭成员/自住
	ResidentTenant ResidentKind = "tenant" // 租户
)

// Resident is a person who lives in an exclusive part, recorded separately
// from owners.
type Resident struct {
	ID          int64        `json:"id"`
	CityID      int64        `json:"city_id"`
	EstateID    int64        `json:"estate_id"`
	PartID      int64        `json:"part_id"`
	Kind        ResidentKind `json:"kind"`
	Name        string       `json:"name"`
	BirthYear   int          `json:"birth_year,omitempty"`
	Disabled    bool         `json:"disabled,omitempty"`
	PhoneMasked string       `json:"phone_masked,omitempty"`
	Phone       string       `json:"phone,omitempty"`
	PhoneEnc    []byte       `json:"-"`
	MovedIn     string       `json:"moved_in,omitempty"` // YYYY-MM-DD
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
}
