package planning

import (
	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/decision"
)

// yuan converts whole yuan to fen.
func yuan(n int64) huanxin.Money { return huanxin.Money(n * 100) }

// Funding sources that commonly pay for each kind of work.
var (
	// public money of every level
	public = []string{SourceCentralSubsidy, SourceProvincialBudget, SourceCityBudget, SourceDistrictBudget, SourceSpecialBond}
	// utility networks: the utility company first, public money for the rest
	network = append([]string{SourceUtility}, public...)
	// common parts of buildings: public money and the owners' own means
	building = append(append([]string{}, public...), SourceMaintenanceFund, SourceOwners, SourceOriginalOwner, SourceCommonIncome)
	// facilities that can charge for their use: also investors and loans
	paying = []string{SourceCityBudget, SourceDistrictBudget, SourceSpecialBond, SourceSocialCapital, SourcePolicyLoan,
		SourceCommercialLoan, SourceCommonIncome, SourceOwners}
	// services for the community: public money, investors, donations
	services = []string{SourceCentralSubsidy, SourceCityBudget, SourceDistrictBudget, SourceSpecialBond, SourceSocialCapital,
		SourcePolicyLoan, SourceCommercialLoan, SourceDonation}
	// amenities of the estate
	amenities = []string{SourceCentralSubsidy, SourceProvincialBudget, SourceCityBudget, SourceDistrictBudget,
		SourceOwners, SourceCommonIncome, SourceDonation, SourceSocialCapital}
)

// DefaultCatalogue returns the catalogue a city starts from: every item the
// 2020 guidance (国办发〔2020〕23号) names in its three categories, with a
// unit of measure, a reference unit cost, a typical service life, the Art.
// 278 item of the owners' decision it needs, the funding sources that may
// pay for it, the bodies that sign it off and the items it must follow.
//
// The unit costs are planning estimates in yuan for a tier-2 city around
// 2023, not published tariffs: each comment gives the range the estimate
// was taken from. No citable per-item price index was found, so every
// value is marked "estimate"; a city replaces them with its own cost
// indicators (造价指标).
//
// DecisionItem: a lift, an energy retrofit of the envelope and new
// buildings on estate land change buildings or their ancillary facilities
// (item 7); parking, charging points, lockers and shops use common parts
// for new purposes or for business (item 8); repairs of common parts paid
// from the maintenance fund need its use approved (item 5); network works
// of the utilities and public amenities need no owners' decision of their
// own beyond the estate's renovation plan.
func DefaultCatalogue() []*Item {
	items := []*Item{
		// 基础类 basic
		{Code: "B01", Name: "供水设施改造", NameEn: "Water supply pipes and facilities", Category: CategoryBasic, Unit: "m",
			UnitCost: yuan(600), LifeYears: 30, Sources: network, SignOffs: []string{SignOffWater},
			Notes: "含二次供水设施、户表改造。"}, // estimate: 400–900 yuan/m of DN50–DN150 main incl. trench and reinstatement
		{Code: "B02", Name: "排水设施改造（雨污分流）", NameEn: "Drainage and sewers (separating storm and foul water)", Category: CategoryBasic, Unit: "m",
			UnitCost: yuan(1000), LifeYears: 30, Sources: network, SignOffs: []string{SignOffDrainage, SignOffEnvironment}}, // estimate: 700–1,500 yuan/m incl. manholes
		{Code: "B03", Name: "供电设施改造", NameEn: "Power supply (cables, meters, transformers)", Category: CategoryBasic, Unit: "户",
			UnitCost: yuan(3000), LifeYears: 25, Sources: network, SignOffs: []string{SignOffPower}}, // estimate: 2,000–5,000 yuan per household ("一户一表" and capacity)
		{Code: "B04", Name: "弱电设施改造", NameEn: "Low-voltage and telecom lines", Category: CategoryBasic, Unit: "m",
			UnitCost: yuan(150), LifeYears: 20, Sources: network, SignOffs: []string{SignOffTelecom}}, // estimate: 100–250 yuan/m of duct
		{Code: "B05", Name: "小区道路改造", NameEn: "Estate roads and paths", Category: CategoryBasic, Unit: "m²",
			UnitCost: yuan(220), LifeYears: 15, Sources: public, SignOffs: []string{SignOffTraffic},
			DependsOn: []string{"B01", "B02", "B04", "B06", "B07", "B13"},
			Notes:     "在地下管线改造之后实施，避免反复开挖。"}, // estimate: 150–300 yuan/m² asphalt resurfacing with base repair
		{Code: "B06", Name: "燃气设施改造", NameEn: "Gas pipes and facilities", Category: CategoryBasic, Unit: "户",
			UnitCost: yuan(2500), LifeYears: 30, Sources: network, SignOffs: []string{SignOffGas, SignOffFire}}, // estimate: 1,500–3,500 yuan per household (risers, meters, safety valves)
		{Code: "B07", Name: "供热设施改造", NameEn: "Heating pipes and facilities", Category: CategoryBasic, Unit: "m",
			UnitCost: yuan(900), LifeYears: 25, Sources: network, SignOffs: []string{SignOffHeating}}, // estimate: 600–1,200 yuan/m of insulated pipe pair
		{Code: "B08", Name: "消防设施改造", NameEn: "Fire safety (hydrants, alarms, fire lanes)", Category: CategoryBasic, Unit: "栋",
			UnitCost: yuan(30000), LifeYears: 15, Sources: public, SignOffs: []string{SignOffFire, SignOffWater}}, // estimate: 20,000–50,000 yuan per building
		{Code: "B09", Name: "安防设施改造", NameEn: "Security (cameras, access control)", Category: CategoryBasic, Unit: "套",
			UnitCost: yuan(3000), LifeYears: 8, Sources: public}, // estimate: 2,000–5,000 yuan per camera or door set installed
		{Code: "B10", Name: "生活垃圾分类设施", NameEn: "Refuse sorting points", Category: CategoryBasic, Unit: "处",
			UnitCost: yuan(30000), LifeYears: 10, Sources: public, SignOffs: []string{SignOffEnvironment}}, // estimate: 20,000–50,000 yuan per covered sorting point
		{Code: "B11", Name: "移动通信设施", NameEn: "Mobile network coverage", Category: CategoryBasic, Unit: "处",
			UnitCost: yuan(80000), LifeYears: 10, Sources: []string{SourceUtility}, SignOffs: []string{SignOffTelecom}}, // estimate: 50,000–150,000 yuan per small-cell site, paid by the operators
		{Code: "B12", Name: "光纤入户", NameEn: "Fibre to the home", Category: CategoryBasic, Unit: "户",
			UnitCost: yuan(500), LifeYears: 20, Sources: []string{SourceUtility}, SignOffs: []string{SignOffTelecom}}, // estimate: 300–800 yuan per household, paid by the operators
		{Code: "B13", Name: "架空线规整（入地）", NameEn: "Tidying or burying overhead lines", Category: CategoryBasic, Unit: "m",
			UnitCost: yuan(400), LifeYears: 20, Sources: network, SignOffs: []string{SignOffPower, SignOffTelecom}}, // estimate: 100 yuan/m tidying to 800 yuan/m burying
		{Code: "B14", Name: "屋面修缮", NameEn: "Roof repair and waterproofing", Category: CategoryBasic, Unit: "m²",
			UnitCost: yuan(200), LifeYears: 15, DecisionItem: decision.ItemUseFund, Sources: building}, // estimate: 150–300 yuan/m² new waterproofing and screed
		{Code: "B15", Name: "外墙修缮", NameEn: "Exterior wall repair", Category: CategoryBasic, Unit: "m²",
			UnitCost: yuan(120), LifeYears: 15, DecisionItem: decision.ItemUseFund, Sources: building}, // estimate: 80–180 yuan/m² render repair and coating
		{Code: "B16", Name: "楼梯间修缮", NameEn: "Stairwell repair", Category: CategoryBasic, Unit: "单元",
			UnitCost: yuan(20000), LifeYears: 15, DecisionItem: decision.ItemUseFund, Sources: building}, // estimate: 10,000–30,000 yuan per stairwell (walls, handrails, lights, doors)
		{Code: "B17", Name: "其他公共部位修缮", NameEn: "Other common parts of buildings", Category: CategoryBasic, Unit: "项",
			UnitCost: yuan(50000), LifeYears: 15, DecisionItem: decision.ItemUseFund, Sources: building,
			Notes: "单元门、公共窗、雨棚、管道井等。"}, // estimate: a lump sum per building

		// 完善类 improvement
		{Code: "I01", Name: "拆除违法建设", NameEn: "Demolition of illegal structures", Category: CategoryImprove, Unit: "m²",
			UnitCost: yuan(100), LifeYears: 0, Sources: public, SignOffs: []string{SignOffUrban}}, // estimate: 60–150 yuan/m² demolition and removal
		{Code: "I02", Name: "绿化提升", NameEn: "Greening", Category: CategoryImprove, Unit: "m²",
			UnitCost: yuan(150), LifeYears: 10, Sources: amenities, SignOffs: []string{SignOffUrban},
			DependsOn: []string{"B01", "B02"}}, // estimate: 100–250 yuan/m² planting
		{Code: "I03", Name: "照明设施", NameEn: "Lighting", Category: CategoryImprove, Unit: "盏",
			UnitCost: yuan(3000), LifeYears: 10, Sources: amenities, SignOffs: []string{SignOffPower}}, // estimate: 2,000–4,000 yuan per LED courtyard lamp with cabling
		{Code: "I04", Name: "适老化设施", NameEn: "Facilities for the elderly", Category: CategoryImprove, Unit: "处",
			UnitCost: yuan(10000), LifeYears: 10, Sources: amenities}, // estimate: 5,000–20,000 yuan per site (handrails, seats, call points)
		{Code: "I05", Name: "无障碍设施", NameEn: "Barrier-free access", Category: CategoryImprove, Unit: "处",
			UnitCost: yuan(15000), LifeYears: 15, Sources: amenities}, // estimate: 10,000–25,000 yuan per ramp
		{Code: "I06", Name: "停车设施", NameEn: "Parking spaces", Category: CategoryImprove, Unit: "个",
			UnitCost: yuan(8000), LifeYears: 15, DecisionItem: decision.ItemChangeUse, Sources: paying,
			SignOffs: []string{SignOffTraffic, SignOffFire}, DependsOn: []string{"B05"}}, // estimate: 5,000–12,000 yuan per surface space
		{Code: "I07", Name: "电动自行车充电设施", NameEn: "E-bike charging", Category: CategoryImprove, Unit: "个",
			UnitCost: yuan(800), LifeYears: 8, DecisionItem: decision.ItemChangeUse, Sources: paying,
			SignOffs: []string{SignOffFire, SignOffPower}, DependsOn: []string{"B03"}}, // estimate: 500–1,200 yuan per charging point incl. shelter share
		{Code: "I08", Name: "汽车充电设施", NameEn: "Car charging", Category: CategoryImprove, Unit: "个",
			UnitCost: yuan(10000), LifeYears: 8, DecisionItem: decision.ItemChangeUse, Sources: paying,
			SignOffs: []string{SignOffPower, SignOffFire}, DependsOn: []string{"B03"}}, // estimate: 5,000–15,000 yuan per 7 kW AC charger with cabling
		{Code: "I09", Name: "智能快件箱、信报箱", NameEn: "Parcel and letter lockers", Category: CategoryImprove, Unit: "组",
			UnitCost: yuan(20000), LifeYears: 8, DecisionItem: decision.ItemChangeUse, Sources: paying}, // estimate: 10,000–30,000 yuan per locker bank
		{Code: "I10", Name: "文化设施", NameEn: "Cultural facilities", Category: CategoryImprove, Unit: "处",
			UnitCost: yuan(50000), LifeYears: 10, Sources: amenities}, // estimate: 30,000–100,000 yuan per cultural corner or notice wall
		{Code: "I11", Name: "休闲设施", NameEn: "Leisure facilities", Category: CategoryImprove, Unit: "处",
			UnitCost: yuan(30000), LifeYears: 10, Sources: amenities}, // estimate: 20,000–60,000 yuan per pavilion or seating area
		{Code: "I12", Name: "体育健身设施", NameEn: "Fitness facilities", Category: CategoryImprove, Unit: "处",
			UnitCost: yuan(40000), LifeYears: 8, Sources: amenities}, // estimate: 20,000–60,000 yuan per fitness spot with safe surface
		{Code: "I13", Name: "物业管理用房", NameEn: "Property-management rooms", Category: CategoryImprove, Unit: "m²",
			UnitCost: yuan(3000), LifeYears: 30, DecisionItem: decision.ItemRebuild, Sources: building}, // estimate: 2,000–4,000 yuan/m² new build or refit
		{Code: "I14", Name: "建筑节能改造", NameEn: "Energy-saving retrofit of buildings", Category: CategoryImprove, Unit: "m²",
			UnitCost: yuan(300), LifeYears: 25, DecisionItem: decision.ItemRebuild, Sources: building,
			SignOffs: []string{SignOffFire}, DependsOn: []string{"B14", "B15"},
			Notes: "外墙保温、节能门窗；保温材料须符合消防要求。"}, // estimate: 200–450 yuan/m² of building floor area
		{Code: "I15", Name: "加装电梯", NameEn: "Adding lifts", Category: CategoryImprove, Unit: "部",
			UnitCost: yuan(700000), LifeYears: 20, DecisionItem: decision.ItemRebuild,
			Sources:  []string{SourceCentralSubsidy, SourceCityBudget, SourceDistrictBudget, SourceOwners, SourceProvidentFund, SourceMaintenanceFund, SourceSocialCapital},
			SignOffs: []string{SignOffPlanning, SignOffEquipment, SignOffFire, SignOffWater, SignOffDrainage, SignOffGas, SignOffPower},
			Notes:    "具备条件的住宅加装；一般由所在单元业主表决，底层业主的同意按本市规定。"}, // estimate: 600,000–800,000 yuan per lift (commonly reported range for a 6-storey stairwell)

		// 提升类 enhancement
		{Code: "E01", Name: "社区综合服务设施", NameEn: "Community service centre", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(4000), LifeYears: 30, DecisionItem: decision.ItemRebuild, Sources: services,
			SignOffs: []string{SignOffPlanning, SignOffFire}}, // estimate: 3,000–5,000 yuan/m² new build, less for refits
		{Code: "E02", Name: "卫生服务站", NameEn: "Health station", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(4000), LifeYears: 30, DecisionItem: decision.ItemRebuild, Sources: services,
			SignOffs: []string{SignOffPlanning, SignOffFire}}, // estimate: as E01, plus fittings
		{Code: "E03", Name: "幼儿园", NameEn: "Kindergarten", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(5000), LifeYears: 50, DecisionItem: decision.ItemRebuild, Sources: services,
			SignOffs: []string{SignOffPlanning, SignOffFire}}, // estimate: 4,000–6,000 yuan/m² incl. outdoor play area
		{Code: "E04", Name: "周界防护与智能感知设施", NameEn: "Perimeter protection and smart sensing", Category: CategoryEnhance, Unit: "项",
			UnitCost: yuan(200000), LifeYears: 8, Sources: services, SignOffs: []string{SignOffTelecom}}, // estimate: 100,000–400,000 yuan per estate
		{Code: "E05", Name: "养老服务设施", NameEn: "Elderly care facilities", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(4000), LifeYears: 30, DecisionItem: decision.ItemRebuild, Sources: services,
			SignOffs: []string{SignOffPlanning, SignOffFire}}, // estimate: as E01
		{Code: "E06", Name: "托育设施", NameEn: "Childcare facilities", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(4000), LifeYears: 30, DecisionItem: decision.ItemRebuild, Sources: services,
			SignOffs: []string{SignOffPlanning, SignOffFire}}, // estimate: as E01
		{Code: "E07", Name: "助餐服务设施", NameEn: "Meal service points", Category: CategoryEnhance, Unit: "处",
			UnitCost: yuan(300000), LifeYears: 15, DecisionItem: decision.ItemChangeUse, Sources: services,
			SignOffs: []string{SignOffFire, SignOffGas, SignOffEnvironment}}, // estimate: 200,000–500,000 yuan per community canteen refit
		{Code: "E08", Name: "家政服务网点", NameEn: "Housekeeping service points", Category: CategoryEnhance, Unit: "处",
			UnitCost: yuan(50000), LifeYears: 10, DecisionItem: decision.ItemChangeUse, Sources: services}, // estimate: 30,000–80,000 yuan per room refit
		{Code: "E09", Name: "便民市场、便利店", NameEn: "Markets and shops", Category: CategoryEnhance, Unit: "m²",
			UnitCost: yuan(2000), LifeYears: 20, DecisionItem: decision.ItemChangeUse, Sources: services,
			SignOffs: []string{SignOffFire, SignOffEnvironment}}, // estimate: 1,500–3,000 yuan/m² refit
		{Code: "E10", Name: "邮政快递末端综合服务站", NameEn: "Postal and parcel end points", Category: CategoryEnhance, Unit: "处",
			UnitCost: yuan(100000), LifeYears: 10, DecisionItem: decision.ItemChangeUse, Sources: services}, // estimate: 50,000–150,000 yuan per station
	}
	for _, it := range items {
		it.Active = true
		// The shared lists above must not be aliased by items a caller
		// then edits.
		it.Sources = append([]string{}, it.Sources...)
		it.SignOffs = append([]string{}, it.SignOffs...)
		it.DependsOn = append([]string{}, it.DependsOn...)
	}
	return items
}
