package survey

import "slices"

// Aspect is something a survey grades: an item of the city's renovation
// catalogue (package planning), named by its code, measured in the item's
// unit, and whether it is surveyed per building (roofs, walls,
// stairwells) as well as for the estate as a whole. Quantity says what a
// survey counts in that unit.
type Aspect struct {
	Code       string // the catalogue item's code
	Name       string // the condition surveyed, in Chinese
	NameEn     string
	Unit       string // the catalogue item's unit of measure
	Quantity   string // what the quantity counts, in Chinese
	QuantityEn string
	Building   bool // also surveyed per building
}

// Aspects lists the aspects a survey grades, in form order: the items of
// the default catalogue (国办发〔2020〕23号) whose condition can be seen
// and measured on site — the basic items first, then the improvement
// items. Service items (提升类) are asked of residents, not surveyed.
var Aspects = []Aspect{
	{"B01", "供水设施", "Water supply", "m", "需更换管道长度", "pipe to replace", true},
	{"B02", "排水设施", "Drainage and sewers", "m", "需改造管道长度", "pipe to rebuild", true},
	{"B03", "供电设施", "Power supply", "户", "需改造线路的户数", "households to rewire", true},
	{"B04", "弱电设施", "Low-voltage and telecom lines", "m", "需改造线路长度", "lines to rebuild", false},
	{"B05", "小区道路", "Roads and paths", "m²", "破损路面面积", "damaged surface", false},
	{"B06", "燃气设施", "Gas", "户", "需改造管道的户数", "households to re-pipe", true},
	{"B07", "供热设施", "Heating", "m", "需改造管道长度", "pipe to rebuild", true},
	{"B08", "消防设施", "Fire safety", "栋", "消防设施缺损的楼栋数", "buildings with defects", true},
	{"B09", "安防设施", "Security", "套", "缺少的安防设施套数", "sets missing", false},
	{"B10", "垃圾分类设施", "Refuse sorting", "处", "缺少的投放点数", "points missing", false},
	{"B13", "架空线缆", "Overhead lines", "m", "需规整或入地的线缆长度", "lines to tidy or bury", false},
	{"B14", "屋面", "Roofs", "m²", "渗漏或破损的屋面面积", "leaking or damaged roof", true},
	{"B15", "外墙", "Exterior walls", "m²", "空鼓脱落的外墙面积", "loose or falling wall surface", true},
	{"B16", "楼梯间", "Stairwells", "单元", "需修缮的楼梯间数", "stairwells to repair", true},
	{"I01", "违法建设", "Illegal structures", "m²", "需拆除面积", "area to demolish", false},
	{"I02", "绿化", "Greening", "m²", "需补植或整治面积", "area to replant", false},
	{"I03", "照明", "Lighting", "盏", "缺损灯具数", "lamps missing or broken", false},
	{"I04", "适老化设施", "Facilities for the elderly", "处", "缺少的适老化设施处数", "sites missing", true},
	{"I05", "无障碍设施", "Barrier-free access", "处", "缺少的无障碍设施处数", "sites missing", true},
	{"I06", "停车", "Parking", "个", "停车位缺口", "parking shortfall", false},
	{"I07", "电动自行车充电", "E-bike charging", "个", "充电位缺口", "charging points short", false},
	{"I08", "汽车充电", "Car charging", "个", "充电桩缺口", "charging points short", false},
	{"I14", "建筑节能", "Energy saving", "m²", "需节能改造的面积", "area to retrofit", true},
	{"I15", "电梯", "Lifts", "部", "可加装电梯的无电梯单元数", "stairwells without a lift that could take one", true},
}

// AspectByCode returns the aspect with the code.
func AspectByCode(code string) (Aspect, bool) {
	i := slices.IndexFunc(Aspects, func(a Aspect) bool { return a.Code == code })
	if i < 0 {
		return Aspect{}, false
	}
	return Aspects[i], true
}

// For lists the aspects of an estate survey (all) or of a building
// survey (those surveyed per building).
func For(building bool) []Aspect {
	if !building {
		return Aspects
	}
	var out []Aspect
	for _, a := range Aspects {
		if a.Building {
			out = append(out, a)
		}
	}
	return out
}

// order is an aspect's position in Aspects, after every known aspect if
// the code is unknown.
func order(code string) int {
	if i := slices.IndexFunc(Aspects, func(a Aspect) bool { return a.Code == code }); i >= 0 {
		return i
	}
	return len(Aspects)
}
