// Package demo generates a deterministic, fictional but realistic Chinese
// city for demonstrations and tests: its administrative tree, old
// residential estates with their buildings, stairwells, dwellings and shops,
// owners, ownerships and residents. It touches no database; every record
// refers to others by natural keys (division codes, estate codes, building,
// stairwell and room numbers, owner keys), so a loader can insert them in
// slice order without knowing any IDs.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
)

// RefYear is the generated city's present: ages, move-in dates and the
// "over 60" share of residents are reckoned from it.
const RefYear = 2025

// Options select the city to generate.
type Options struct {
	Seed    int64 // the same seed always yields the same city
	Estates int   // number of estates; 0 means 60
}

// City is a generated city. Jurisdictions are listed level by level from the
// province down, so parents precede children; every other slice refers only
// to records of earlier slices (estates to communities, buildings to
// estates, …, ownerships and residents to parts and owners).
type City struct {
	Jurisdictions []estate.Jurisdiction // Code, Name and Level set; IDs unset
	ParentCode    map[string]string     // jurisdiction code -> parent code ("" for the province)
	Estates       []EstateRec
	Buildings     []BuildingRec
	Stairwells    []StairwellRec
	Parts         []PartRec
	Owners        []OwnerRec
	Ownerships    []OwnershipRec
	Residents     []ResidentRec
}

// EstateRec is an estate and the code of its community. Estate.Code
// ("HX-0001", …) and Estate.Name are unique; Buildings and Dwellings equal
// the generated counts (dwellings exclude shops).
type EstateRec struct {
	estate.Estate
	CommunityCode string
}

// BuildingRec is a building; Building.No ("1", "2", …) is unique in its estate.
type BuildingRec struct {
	EstateCode string
	estate.Building
}

// StairwellRec is a stairwell unit; Stairwell.No ("1", …) is unique in its building.
type StairwellRec struct {
	EstateCode, BuildingNo string
	estate.Stairwell
}

// PartRec is a dwelling or shop; Part.Room (floor×100+n, e.g. "301") is
// unique in its stairwell.
type PartRec struct {
	EstateCode, BuildingNo, StairwellNo string
	estate.Part
}

// OwnerRec is an owner and its natural key: the resident ID number of a
// person or the unified social credit code of an organisation; Owner.IDNumber
// holds the same value.
type OwnerRec struct {
	Key string
	estate.Owner
}

// OwnershipRec links the part (estate, building, stairwell, room) to the
// owner with key OwnerKey. Each owned part has exactly one representative
// and shares summing to 1. Parts sold but not yet delivered have no rows;
// unsold parts belong to the developer.
type OwnershipRec struct {
	EstateCode, BuildingNo, StairwellNo, Room, OwnerKey string
	Representative                                      bool
	ShareNum, ShareDen                                  int64
}

// ResidentRec is a person living in a part.
type ResidentRec struct {
	EstateCode, BuildingNo, StairwellNo, Room string
	estate.Resident
}

// Counts returns the number of records by kind: "districts", "streets",
// "communities", "estates", "buildings", "stairwells", "parts",
// "dwellings", "shops", "owners", "ownerships", "residents".
func (c *City) Counts() map[string]int {
	m := map[string]int{"estates": len(c.Estates), "buildings": len(c.Buildings),
		"stairwells": len(c.Stairwells), "parts": len(c.Parts), "owners": len(c.Owners),
		"ownerships": len(c.Ownerships), "residents": len(c.Residents)}
	key := map[huanxin.Level]string{huanxin.LevelDistrict: "districts",
		huanxin.LevelStreet: "streets", huanxin.LevelCommunity: "communities"}
	for _, j := range c.Jurisdictions {
		if k := key[j.Level]; k != "" {
			m[k]++
		}
	}
	for _, p := range c.Parts {
		m[string(p.Kind)+"s"]++
	}
	return m
}

// The fixed administrative tree: codes 39xxxx are unused by real divisions.
const (
	provinceCode, provinceName = "390000", "东海省"
	cityCode, cityShort        = "390100", "临江"
	cityName                   = cityShort + "市"
)

// districtDefs lists the districts: code, name, centre (degrees×10^6),
// roads, and streets each as its name followed by its communities.
var districtDefs = []struct {
	code, name string
	lat, lng   int64
	roads      string
	streets    [][]string
}{
	{"390102", "鼓楼区", 30272000, 120168000, "中山路 解放路 鼓楼大街 延安路 惠民路",
		[][]string{{"鼓楼街道", "钟楼", "惠民", "府前"}, {"中山街道", "中山", "仓前", "大井巷"}}},
	{"390103", "江滨区", 30238000, 120182000, "滨江路 望江路 清江路 秋涛路 复兴路",
		[][]string{{"望江街道", "望江", "近江", "江城"}, {"复兴街道", "复兴", "秋涛", "海潮"}}},
	{"390105", "城北区", 30305000, 120158000, "建设路 和平路 工农路 红星路 长城街",
		[][]string{{"和平街道", "和平", "长城", "文晖"}, {"红星街道", "红星", "工农", "机场"}, {"建设街道", "建设", "德胜", "东新"}}},
	{"390106", "新华区", 30268000, 120125000, "新华路 文化路 学院路 教工路 人民路",
		[][]string{{"新华街道", "新华", "松木场", "学院"}, {"文化街道", "文化", "教工", "古荡"}}},
}

// employers built staff housing: unit name (原产权单位) and the short form
// used in estate names.
var employers = [][2]string{{"市纺织厂", "纺织"}, {"市化工厂", "化工"}, {"市第一棉纺厂", "棉纺"},
	{"市丝绸厂", "丝绸"}, {"市钢铁厂", "钢铁"}, {"市机床厂", "机床"}, {"市橡胶厂", "橡胶"},
	{"市电力局", "电力"}, {"市自来水公司", "水务"}, {"市铁路分局", "铁路"}, {"市玻璃厂", "玻璃"},
	{"市食品公司", "食品"}, {"市汽车运输公司", "汽运"}, {"市邮电局", "邮电"},
	{"市第二轻工业局", "轻工"}, {"市建筑工程公司", "建工"}}

// housingBureau holds the unreformed public dwellings of municipal estates.
const housingBureau = "市房产管理局"

var (
	employerSuffixes = strings.Fields("新村 一村 二村 宿舍 小区 生活区")
	roadSuffixes     = strings.Fields("小区 新村 一区 二区 公房")
	places           = strings.Fields("东风 红旗 光明 胜利 幸福 前进 工农 向阳 和平 团结 红星 友谊 朝晖 长青 青年 跃进")
	placeSuffixes    = strings.Fields("里 坊 新村 小区 一区 二区 三区")
	brands           = strings.Fields("金都 阳光 锦绣 绿洲 香樟 丽景 枫林 翠湖 嘉和 华庭 江南 凯旋 天和 银河 海棠 星河")
	brandSuffixes    = strings.Fields("花园 家园 雅苑 公寓 新苑 名苑 苑")
	companies        = strings.Fields("商贸有限公司 餐饮管理有限公司 医药连锁有限公司 超市有限公司")
	idAreas          = strings.Fields("390102 390103 390105 390106 390104 390122 390203 390302")
	mobilePrefixes   = strings.Fields("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 180 181 182 183 184 185 186 187 188 189")
	surnames         = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")
	// givenChars[era][male]: characters of given names by birth era.
	givenChars = [3][2][]rune{
		{[]rune("秀桂玉淑凤兰英珍芬华芳琴娣梅金月素"), []rune("建国志德振永福金树文华明刚民生林荣祥根宝")},
		{[]rune("丽敏静燕红艳娟霞琳萍洁芳慧颖晓莉"), []rune("伟强军勇斌杰涛磊明刚鹏辉海波建志俊")},
		{[]rune("欣怡雨萱诗涵梓婷佳琪思语可馨雪悦"), []rune("浩宇轩然博俊子梓睿晨泽一杰涵航")},
	}
	// forcedNames are given to the first estates (of a commercial estate if
	// marked): two contain 电梯, the others start with characters whose
	// pinyin order (安 百 翠 大 中) differs from their Unicode order.
	forcedNames = []struct {
		name       string
		commercial bool
	}{{"中山里", false}, {"安居苑", false}, {"大同新村", false}, {"百花新村", false},
		{"翠竹小区", false}, {"电梯公寓", true}, {"望江电梯公寓", true}}
	areaSources = []estate.AreaSource{estate.SourceRegister, estate.SourceSurveyed, estate.SourceContract}
)

// Kinds of estate by who built it.
const (
	kEmployer   = iota // staff housing of a state unit, later sold to the staff
	kMunicipal         // public housing of the housing bureau
	kCommercial        // built and sold by a developer
)

// managementMix weighs estate.ManagementModels (professional, employer,
// self, none) by kind of estate.
var managementMix = [...][4]int{kEmployer: {10, 50, 15, 25}, kMunicipal: {20, 0, 35, 45}, kCommercial: {80, 0, 15, 5}}

// plan is what is decided about an estate before it is built.
type plan struct {
	year, kind, size int
	status           estate.Status
	held             bool // the developer still holds some parts
}

type community struct {
	code, district string
	roads          []string
	lat, lng       int64
}

// person is a generated person, owner or resident.
type person struct {
	surname, name, phone string
	male, disabled       bool
	born                 int
}

type gen struct {
	r      *rand.Rand
	c      *City
	comms  []community
	used   map[string]bool   // names, ID numbers, credit codes, phones
	orgs   map[string]string // organisation name -> key
	held   map[string]int    // owner key -> parts held
	pool   []string          // person owner keys, for owners of several parts
	forced []int             // indexes of forcedNames not yet given
}

// Generate builds the city described by opt.
func Generate(opt Options) *City {
	n := opt.Estates
	if n <= 0 {
		n = 60
	}
	g := &gen{r: rand.New(rand.NewPCG(uint64(opt.Seed), 0x6875616e78696e)),
		c:    &City{ParentCode: map[string]string{}},
		used: map[string]bool{}, orgs: map[string]string{}, held: map[string]int{}}
	for i, f := range forcedNames {
		g.forced, g.used[f.name] = append(g.forced, i), true
	}
	g.jurisdictions()
	c := g.c // room for the usual volumes, to spare regrowing
	c.Parts, c.Owners, c.Ownerships, c.Residents = make([]PartRec, 0, n*450), make([]OwnerRec, 0, n*520),
		make([]OwnershipRec, 0, n*550), make([]ResidentRec, 0, n*900)
	perm := g.r.Perm(len(g.comms))
	for i, p := range g.plans(n) {
		g.estate(i, p, g.comms[perm[i%len(perm)]])
	}
	return g.c
}

func (g *gen) jurisdictions() {
	c := g.c
	add := func(level huanxin.Level, code, name, parent string) {
		c.Jurisdictions = append(c.Jurisdictions, estate.Jurisdiction{Level: level, Code: code, Name: name})
		c.ParentCode[code] = parent
	}
	add(huanxin.LevelProvince, provinceCode, provinceName, "")
	add(huanxin.LevelCity, cityCode, cityName, provinceCode)
	var streets, comms [][3]string // code, name, parent
	for _, d := range districtDefs {
		add(huanxin.LevelDistrict, d.code, d.name, cityCode)
		for s, st := range d.streets {
			sc := fmt.Sprintf("%s%03d", d.code, s+1)
			streets = append(streets, [3]string{sc, st[0], d.code})
			for k, name := range st[1:] {
				cc := fmt.Sprintf("%s%03d", sc, k+1)
				comms = append(comms, [3]string{cc, name + "社区", sc})
				g.comms = append(g.comms, community{code: cc, district: d.name, roads: strings.Fields(d.roads),
					lat: d.lat + g.spread(12000), lng: d.lng + g.spread(12000)})
			}
		}
	}
	for _, s := range streets {
		add(huanxin.LevelStreet, s[0], s[1], s[2])
	}
	for _, s := range comms {
		add(huanxin.LevelCommunity, s[0], s[1], s[2])
	}
}

// plans decides years, kinds, sizes and statuses by quota, so that every
// city has the same mix: 13% built after 2000 (all commercial, all
// candidates), statuses mostly candidate or surveyed.
func (g *gen) plans(n int) []plan {
	post := (n*13 + 50) / 100
	sizes := quota(n, 12, 58, 30)
	status := quota(n, 21, 15, 6, 5, 4, 4, 3, 2)
	g.r.Shuffle(n, func(i, j int) { sizes[i], sizes[j] = sizes[j], sizes[i] })
	rest := status[post:]
	g.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	ps := make([]plan, n)
	for i := range ps {
		p := &ps[i]
		p.size, p.status = sizes[i], estate.Statuses[status[i]]
		if i < post {
			p.year = g.between(2001, 2005)
		} else {
			p.year = g.between(1975, 2000)
		}
		switch {
		case p.year > 1998:
			p.kind = kCommercial
		case p.year < 1992:
			p.kind = g.pick(60, 40) // employer or municipal
		default:
			p.kind = g.pick(40, 20, 40)
		}
		p.held = p.kind == kCommercial && p.year > 1995 && (i < 2 || g.r.IntN(10) < 3)
	}
	g.r.Shuffle(n, func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	return ps
}

// quota returns n class numbers in ascending order, class k taking the
// share w[k]/sum(w), rounded.
func quota(n int, w ...int) []int {
	total, cum, out := 0, 0, make([]int, 0, n)
	for _, x := range w {
		total += x
	}
	for k, x := range w {
		cum += x
		for len(out) < (n*cum+total/2)/total {
			out = append(out, k)
		}
	}
	return out
}

// est is the state of the estate being generated.
type est struct {
	plan
	code      string
	holder    string // organisation that kept a few dwellings
	holdLeft  int
	developer string
}

func (g *gen) estate(i int, p plan, cm community) {
	e := &est{plan: p, code: fmt.Sprintf("HX-%04d", i+1)}
	road, emp := pickOf(g, cm.roads), pickOf(g, employers)
	rec := EstateRec{CommunityCode: cm.code}
	rec.Code, rec.YearBuilt, rec.Status = e.code, p.year, p.status
	rec.Name = g.name(p, road, emp)
	rec.Address = fmt.Sprintf("%s%s%d号", cm.district, road, g.between(1, 399))
	lat, lng := cm.lat+g.spread(2500), cm.lng+g.spread(2500)
	rec.Lat, rec.Lng = &lat, &lng
	switch p.kind {
	case kEmployer:
		rec.OriginalOwner, e.holder, e.holdLeft = emp[0], emp[0], g.between(1, 4)
		rec.Notes = "房改房"
	case kMunicipal:
		e.holder, e.holdLeft = housingBureau, g.between(0, 3)
		rec.Notes = "直管公房"
	}
	rec.Management = estate.ManagementModels[g.pick(managementMix[p.kind][:]...)]
	if p.held {
		e.developer = cityShort + pickOf(g, brands) + "房地产开发有限公司"
		rec.Notes = "开发商尚有未售或未交付房屋"
	}
	lift := strings.Contains(rec.Name, "电梯")
	retrofit := p.status == estate.StatusAccepted || p.status == estate.StatusUpkeep
	nb := [][2]int{{1, 3}, {7, 14}, {16, 26}}[p.size]
	rec.Buildings = g.between(nb[0], nb[1])
	shopfront := rec.Buildings > 1 && g.r.IntN(10) < 4
	var floorArea int64
	for b := 1; b <= rec.Buildings; b++ {
		bd := BuildingRec{EstateCode: e.code}
		bd.No, bd.Year = strconv.Itoa(b), p.year
		switch {
		case lift:
			bd.Floors = g.between(8, 11)
		case p.year < 1985:
			bd.Floors = 4 + g.pick(30, 45, 25)
		default:
			bd.Floors = 5 + g.pick(30, 50, 20)
		}
		if rec.Buildings > 10 && b > rec.Buildings/2 { // a later phase
			bd.Year = min(2005, p.year+g.between(0, 2))
		}
		g.c.Buildings = append(g.c.Buildings, bd)
		stairs, perFloor := 1+g.pick(20, 45, 35), 2+g.pick(45, 55)
		base := make([]int64, perFloor) // floor plan: the same flats stacked up
		lo, hi := dwellingArea(p.year)
		for n := range base {
			base[n] = g.between64(lo, hi)
		}
		for s := 1; s <= stairs; s++ {
			sw := StairwellRec{EstateCode: e.code, BuildingNo: bd.No}
			sw.No = strconv.Itoa(s)
			sw.HasLift = lift || retrofit && bd.Floors >= 5 && g.r.IntN(3) == 0
			g.c.Stairwells = append(g.c.Stairwells, sw)
			for f := 1; f <= bd.Floors; f++ {
				for n := 1; n <= perFloor; n++ {
					pt := PartRec{EstateCode: e.code, BuildingNo: bd.No, StairwellNo: sw.No}
					pt.Kind, pt.Floor, pt.Room, pt.Sold, pt.Delivered = estate.KindDwelling, f, strconv.Itoa(f*100+n), true, true
					if shopfront && b == 1 && f == 1 {
						pt.Kind, pt.Area = estate.KindShop, huanxin.Area(g.between64(2000, 9000))
					} else {
						pt.Area = huanxin.Area(min(12000, max(3800, base[n-1]+g.between64(-50, 50))))
						rec.Dwellings++
					}
					// The developer keeps the top floor of the last building
					// and a few other parts.
					if p.held && (b == rec.Buildings && f == bd.Floors || g.r.IntN(100) < 2 ||
						pt.Kind == estate.KindShop && g.r.IntN(10) < 3) {
						pt.Sold, pt.Delivered = g.r.IntN(2) == 0, false
					}
					pt.AreaSource = g.areaSource(p, pt.Part)
					floorArea += int64(pt.Area)
					g.c.Parts = append(g.c.Parts, pt)
					g.fill(e, pt)
				}
			}
		}
	}
	// Land: built area with 15% common parts over a plot ratio of 1.3–2.0,
	// in whole square metres.
	rec.LandArea = huanxin.Area(floorArea * 115 / int64(g.between(130, 200)) / 100 * 100)
	g.c.Estates = append(g.c.Estates, rec)
}

// dwellingArea is the range of flat sizes (0.01 m²) of the estate's era.
func dwellingArea(year int) (lo, hi int64) {
	switch {
	case year < 1985:
		return 3800, 6500
	case year < 1995:
		return 4500, 8500
	case year <= 2000:
		return 5500, 10000
	}
	return 7000, 12000
}

func (g *gen) areaSource(p plan, pt estate.Part) estate.AreaSource {
	switch {
	case !pt.Sold:
		return estate.SourceSurveyed
	case !pt.Delivered:
		return estate.SourceContract
	case p.kind == kCommercial && p.year > 2000:
		return areaSources[g.pick(60, 20, 20)]
	}
	return areaSources[g.pick(85, 12, 3)]
}

// name gives the estate a unique name in the style of its kind.
func (g *gen) name(p plan, road string, emp [2]string) string {
	for i, k := range g.forced {
		if !forcedNames[k].commercial || p.kind == kCommercial {
			g.forced = slices.Delete(g.forced, i, i+1)
			return forcedNames[k].name
		}
	}
	for try := 0; ; try++ {
		var s string
		switch {
		case p.kind == kEmployer:
			suf := pickOf(g, employerSuffixes)
			if suf == "宿舍" && strings.HasSuffix(emp[0], "厂") {
				suf = "厂宿舍"
			}
			s = emp[1] + suf
		case p.kind == kMunicipal && g.r.IntN(2) == 0:
			s = road + pickOf(g, roadSuffixes)
		case p.kind == kMunicipal:
			s = pickOf(g, places) + pickOf(g, placeSuffixes)
		default:
			s = pickOf(g, brands) + pickOf(g, brandSuffixes)
		}
		if try > 20 { // names run out in very large cities
			s += strconv.Itoa(try) + "期"
		}
		if !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

// fill gives a part its owners and residents.
func (g *gen) fill(e *est, pt PartRec) {
	switch {
	case !pt.Delivered:
		if !pt.Sold {
			g.own(pt, g.org(e.developer, "91"), true, 1, 1)
		}
		return
	case pt.Kind == estate.KindShop:
		if g.r.IntN(10) < 3 {
			g.own(pt, g.org(cityShort+pickOf(g, places)+pickOf(g, companies), "91"), true, 1, 1)
		} else {
			g.own(pt, g.owner(g.person(g.between(1950, 1985), g.r.IntN(3) > 0, "")), true, 1, 1)
		}
		return
	case e.holdLeft > 0 && g.r.IntN(50) == 0:
		e.holdLeft--
		prefix := "91"
		if strings.HasSuffix(e.holder, "局") {
			prefix = "11"
		}
		g.own(pt, g.org(e.holder, prefix), true, 1, 1)
		if g.r.IntN(2) == 0 {
			g.tenants(pt)
		}
		return
	}
	occ := g.pick(62, 16, 22) // owner-occupied, let, empty or unknown
	if occ > 0 && g.r.IntN(100) < 15 {
		if k := g.reuse(); k != "" {
			g.own(pt, k, true, 1, 1)
			if occ == 1 {
				g.tenants(pt)
			}
			return
		}
	}
	hh := g.household(e.year, occ == 0)
	if len(hh) > 1 && g.r.IntN(100) < 25 {
		g.own(pt, g.owner(hh[0]), true, 1, 2)
		g.own(pt, g.owner(hh[1]), false, 1, 2)
	} else {
		g.own(pt, g.owner(hh[0]), true, 1, 1)
	}
	switch occ {
	case 0:
		moved := min(RefYear, max(e.year, hh[0].born+25)+g.between(0, 3))
		g.reside(pt, estate.ResidentFamily, moved, hh...)
	case 1:
		g.tenants(pt)
	}
}

// household generates an owner's household: the owner first, then the
// spouse if any, then the others living with them. For owners not living
// in the dwelling only the owner and perhaps the spouse are made.
func (g *gen) household(year int, living bool) []person {
	t, lo, hi := 2, 1945, 1990 // type: 0 elderly, 1 three generations, 2 family
	if living {
		switch {
		case year > 2000:
			t = g.pick(12, 13, 75)
		case year > 1995:
			t = g.pick(20, 15, 65)
		default:
			t = g.pick(36, 15, 49)
		}
		r := [][2]int{{1935, 1964}, {1940, 1962}, {1962, 1992}}[t]
		lo, hi = r[0], r[1]
	}
	male := g.r.IntN(10) < 6
	hh := []person{g.person(g.between(lo, hi), male, "")}
	if g.r.IntN(100) < []int{75, 88, 85}[t] {
		hh = append(hh, g.person(min(RefYear-20, hh[0].born+g.between(-4, 4)), !male, ""))
	}
	if !living || t == 0 {
		return hh
	}
	fam := family(hh)
	if t == 1 {
		child := g.person(hh[0].born+g.between(22, 32), g.r.IntN(2) == 0, fam)
		couple := []person{child}
		if g.r.IntN(10) < 6 {
			couple = append(couple, g.person(child.born+g.between(-3, 3), !child.male, ""))
		}
		hh = append(hh, couple...)
		if y := child.born + g.between(24, 34); y < RefYear {
			hh = append(hh, g.person(y, g.r.IntN(2) == 0, family(couple)))
		}
		return hh
	}
	for k := g.pick(25, 50, 25); k > 0; k-- {
		if y := hh[0].born + g.between(24, 36); y < RefYear {
			hh = append(hh, g.person(y, g.r.IntN(2) == 0, fam))
		}
	}
	return hh
}

// family is the surname children of a couple take: the husband's.
func family(couple []person) string {
	if !couple[0].male && len(couple) > 1 {
		return couple[1].surname
	}
	return couple[0].surname
}

func (g *gen) tenants(pt PartRec) {
	var ts []person
	for k := 1 + g.pick(40, 40, 20); k > 0; k-- {
		ts = append(ts, g.person(g.between(1970, 2003), g.r.IntN(2) == 0, ""))
	}
	g.reside(pt, estate.ResidentTenant, RefYear-g.r.IntN(6), ts...)
}

func (g *gen) reside(pt PartRec, kind estate.ResidentKind, moved int, ps ...person) {
	for _, p := range ps {
		r := ResidentRec{EstateCode: pt.EstateCode, BuildingNo: pt.BuildingNo, StairwellNo: pt.StairwellNo, Room: pt.Room}
		r.Kind, r.Name, r.BirthYear, r.Disabled = kind, p.name, p.born, p.disabled
		r.Phone, r.PhoneMasked = p.phone, mask(p.phone)
		r.MovedIn = fmt.Sprintf("%04d-%02d-%02d", max(moved, p.born), g.between(1, 12), g.between(1, 28))
		g.c.Residents = append(g.c.Residents, r)
	}
}

func (g *gen) own(pt PartRec, key string, rep bool, num, den int64) {
	g.held[key]++
	g.c.Ownerships = append(g.c.Ownerships, OwnershipRec{EstateCode: pt.EstateCode, BuildingNo: pt.BuildingNo,
		StairwellNo: pt.StairwellNo, Room: pt.Room, OwnerKey: key, Representative: rep, ShareNum: num, ShareDen: den})
}

// reuse returns a person who already owns fewer than three parts, or "".
func (g *gen) reuse() string {
	for try := 0; try < 3 && len(g.pool) > 0; try++ {
		if k := pickOf(g, g.pool); g.held[k] < 3 {
			return k
		}
	}
	return ""
}

// owner registers a person as an owner and returns the key.
func (g *gen) owner(p person) string {
	id := g.idNumber(p.born, p.male)
	o := OwnerRec{Key: id}
	o.Kind, o.Name, o.IDNumber, o.IDLast4 = estate.OwnerPerson, p.name, id, pii.Last4(id)
	o.Phone, o.PhoneMasked = p.phone, mask(p.phone)
	g.c.Owners = append(g.c.Owners, o)
	g.pool = append(g.pool, id)
	return id
}

// org returns the key of the named organisation, registering it as an
// owner the first time; prefix is the credit code's registration authority
// and category ("91" enterprise, "11" government body).
func (g *gen) org(name, prefix string) string {
	if k, ok := g.orgs[name]; ok {
		return k
	}
	k := g.creditCode(prefix)
	g.orgs[name] = k
	o := OwnerRec{Key: k}
	o.Kind, o.Name, o.IDNumber, o.IDLast4 = estate.OwnerOrganisation, name, k, pii.Last4(k)
	g.c.Owners = append(g.c.Owners, o)
	return k
}

func (g *gen) person(born int, male bool, surname string) person {
	if surname == "" {
		surname = string(surnames[g.r.IntN(g.r.IntN(len(surnames))+1)]) // common ones first
	}
	era := 2
	if born < 1960 {
		era = 0
	} else if born < 1985 {
		era = 1
	}
	chars, given := givenChars[era][b2i(male)], ""
	for k := 1 + b2i(g.r.IntN(10) < 7); k > 0; k-- {
		given += string(chars[g.r.IntN(len(chars))])
	}
	p := person{surname: surname, name: surname + given, male: male, born: born}
	if RefYear-born >= 16 && g.r.IntN(100) < 92 {
		p.phone = g.unique(func() string { return pickOf(g, mobilePrefixes) + fmt.Sprintf("%08d", g.r.IntN(1e8)) })
	}
	p.disabled = g.r.IntN(100) < 1+5*b2i(born <= 1950)
	return p
}

// idNumber returns a new resident ID number (GB 11643) for a person born
// in the given year; the sequence digit is odd for men.
func (g *gen) idNumber(born int, male bool) string {
	return g.unique(func() string {
		body := fmt.Sprintf("%s%04d%02d%02d%03d", pickOf(g, idAreas), born, g.between(1, 12), g.between(1, 28),
			g.r.IntN(500)*2+b2i(male))
		return body + string("10X98765432"[weighted(body, 11, 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)])
	})
}

// creditCode returns a new unified social credit code (GB 32100): prefix,
// city division code, organisation code with its GB 11714 check character,
// check character.
func (g *gen) creditCode(prefix string) string {
	return g.unique(func() string {
		org := fmt.Sprintf("%08d", g.r.IntN(1e8))
		body := prefix + cityCode + org + string("0X987654321"[weighted(org, 11, 3, 7, 9, 10, 5, 8, 4, 2)])
		return body + string(creditAlphabet[(31-weighted(body, 31, 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))%31])
	})
}

// creditAlphabet is the character set of credit codes in value order; its
// digits serve ID numbers too.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weighted returns the sum of the values of body's characters times the
// weights, modulo m.
func weighted(body string, m int, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += strings.IndexByte(creditAlphabet, body[i]) * w
	}
	return sum % m
}

// unique calls f until it returns a value not handed out before.
func (g *gen) unique(f func() string) string {
	for {
		if s := f(); !g.used[s] {
			g.used[s] = true
			return s
		}
	}
}

func mask(phone string) string {
	if phone == "" {
		return ""
	}
	return pii.MaskPhone(phone)
}

// pick returns k with probability w[k]/sum(w).
func (g *gen) pick(w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	x := g.r.IntN(total)
	for k, y := range w {
		if x -= y; x < 0 {
			return k
		}
	}
	return len(w) - 1
}

func (g *gen) between(lo, hi int) int       { return lo + g.r.IntN(hi-lo+1) }
func (g *gen) between64(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }
func (g *gen) spread(d int64) int64         { return g.between64(-d, d) }
func pickOf[T any](g *gen, s []T) T         { return s[g.r.IntN(len(s))] }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
