package demo

import (
	"math/big"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/huanxin/huanxin"
	"github.com/huanxin/huanxin/estate"
	"github.com/huanxin/huanxin/pii"
)

var city1 = sync.OnceValue(func() *City { return Generate(Options{Seed: 1}) })

func TestVolumeAndMix(t *testing.T) {
	c := city1()
	m := c.Counts()
	for k, least := range map[string]int{"districts": 3, "streets": 6, "communities": 12, "estates": 60,
		"buildings": 400, "dwellings": 20000, "shops": 1, "residents": 20000} {
		if m[k] < least {
			t.Errorf("%s = %d, want ≥ %d", k, m[k], least)
		}
	}
	if m["estates"] != 60 {
		t.Errorf("estates = %d, want 60", m["estates"])
	}
	post, statuses, models, lifts := 0, map[estate.Status]int{}, map[estate.ManagementModel]int{}, 0
	oldUnmanaged, old, employerBuilt := 0, 0, 0
	for _, e := range c.Estates {
		if e.YearBuilt < 1975 || e.YearBuilt > 2005 {
			t.Errorf("%s built %d", e.Code, e.YearBuilt)
		}
		if e.YearBuilt > 2000 {
			post++
		}
		if e.YearBuilt < 1990 {
			old++
			if e.Management == estate.MgmtNone || e.Management == estate.MgmtEmployer {
				oldUnmanaged++
			}
		}
		if e.OriginalOwner != "" {
			employerBuilt++
		}
		statuses[e.Status]++
		models[e.Management]++
		if strings.Contains(e.Name, "电梯") {
			lifts++
		}
		if e.Lat == nil || e.Lng == nil || abs(*e.Lat-30270000) > 100000 || abs(*e.Lng-120150000) > 100000 {
			t.Errorf("%s: position %v %v not near the centre", e.Code, e.Lat, e.Lng)
		}
		if e.LandArea <= 0 || e.Address == "" || !strings.HasSuffix(e.Address, "号") {
			t.Errorf("%s: land area %v, address %q", e.Code, e.LandArea, e.Address)
		}
	}
	if post*100 < 10*len(c.Estates) || post*100 > 15*len(c.Estates) {
		t.Errorf("%d of %d estates built after 2000, want 10–15%%", post, len(c.Estates))
	}
	if len(statuses) != len(estate.Statuses) || statuses[estate.StatusCandidate]+statuses[estate.StatusSurveyed] <= len(c.Estates)/2 {
		t.Errorf("statuses %v: want all, mostly candidate or surveyed", statuses)
	}
	if len(models) != len(estate.ManagementModels) || oldUnmanaged*2 < old {
		t.Errorf("management %v, %d of %d pre-1990 estates without professional or self management", models, oldUnmanaged, old)
	}
	if lifts < 2 || employerBuilt < 5 {
		t.Errorf("%d names with 电梯, %d with an original property unit", lifts, employerBuilt)
	}
	// Some names must sort differently by pinyin than by code point.
	pinyin := map[rune]string{'安': "an", '百': "bai", '翠': "cui", '大': "da", '中': "zhong"}
	var names []string
	for _, e := range c.Estates {
		if _, ok := pinyin[[]rune(e.Name)[0]]; ok {
			names = append(names, e.Name)
		}
	}
	inverted := false
	for _, a := range names {
		for _, b := range names {
			inverted = inverted || a < b && pinyin[[]rune(a)[0]] > pinyin[[]rune(b)[0]]
		}
	}
	if !inverted {
		t.Errorf("no pair of names whose pinyin order differs from code point order in %v", names)
	}
	// Residents of older estates: 25–40% over 60, some disabled.
	oldEstate := map[string]bool{}
	for _, e := range c.Estates {
		oldEstate[e.Code] = e.YearBuilt <= 1995
	}
	elderly, all, disabled := 0, 0, 0
	for _, r := range c.Residents {
		if r.Disabled {
			disabled++
		}
		if oldEstate[r.EstateCode] {
			all++
			if RefYear-r.BirthYear >= 60 {
				elderly++
			}
		}
	}
	if elderly*100 < 25*all || elderly*100 > 40*all || disabled == 0 {
		t.Errorf("%d of %d residents of older estates over 60; %d disabled", elderly, all, disabled)
	}
}

func TestIntegrity(t *testing.T) {
	checkCity(t, city1())
	checkCity(t, Generate(Options{Seed: 42, Estates: 7}))
}

// checkCity checks keys and references and the rules of ownership.
func checkCity(t *testing.T, c *City) {
	t.Helper()
	levels := map[string]huanxin.Level{}
	digits := map[huanxin.Level]int{huanxin.LevelProvince: 6, huanxin.LevelCity: 6, huanxin.LevelDistrict: 6,
		huanxin.LevelStreet: 9, huanxin.LevelCommunity: 12}
	for _, j := range c.Jurisdictions {
		if _, dup := levels[j.Code]; dup || len(j.Code) != digits[j.Level] || j.Name == "" {
			t.Errorf("jurisdiction %+v: duplicate or malformed", j)
		}
		levels[j.Code] = j.Level
		parent, ok := c.ParentCode[j.Code]
		if j.Level == huanxin.LevelProvince {
			ok = ok && parent == ""
		} else {
			ok = ok && levels[parent].Depth() == j.Level.Depth()-1 && strings.HasPrefix(j.Code, strings.TrimRight(parent, "0"))
		}
		if !ok {
			t.Errorf("jurisdiction %s: parent %q", j.Code, parent)
		}
	}
	if len(c.ParentCode) != len(c.Jurisdictions) {
		t.Errorf("%d parent codes for %d jurisdictions", len(c.ParentCode), len(c.Jurisdictions))
	}
	estates, names := map[string]*EstateRec{}, map[string]bool{}
	for i, e := range c.Estates {
		if estates[e.Code] != nil || names[e.Name] || levels[e.CommunityCode] != huanxin.LevelCommunity {
			t.Errorf("estate %s %s: duplicate or bad community %q", e.Code, e.Name, e.CommunityCode)
		}
		estates[e.Code], names[e.Name] = &c.Estates[i], true
	}
	type key [4]string
	buildings, stairwells, parts := map[key]int{}, map[key]bool{}, map[key]estate.Part{}
	nb, nd := map[string]int{}, map[string]int{}
	for _, b := range c.Buildings {
		k := key{b.EstateCode, b.No}
		if _, dup := buildings[k]; dup || estates[b.EstateCode] == nil || b.Floors < 4 || b.Floors > 11 {
			t.Errorf("building %v: duplicate, unknown estate or %d floors", k, b.Floors)
		}
		buildings[k] = b.Floors
		nb[b.EstateCode]++
	}
	for _, s := range c.Stairwells {
		k := key{s.EstateCode, s.BuildingNo, s.No}
		if _, ok := buildings[key{s.EstateCode, s.BuildingNo}]; stairwells[k] || !ok {
			t.Errorf("stairwell %v: duplicate or unknown building", k)
		}
		stairwells[k] = true
	}
	room := regexp.MustCompile(`^([1-9][0-9]?)0[1-9]$`)
	for _, p := range c.Parts {
		k := key{p.EstateCode, p.BuildingNo, p.StairwellNo, p.Room}
		_, dup := parts[k]
		f := room.FindStringSubmatch(p.Room)
		if dup || !stairwells[key{p.EstateCode, p.BuildingNo, p.StairwellNo}] || f == nil ||
			f[1] != strconv.Itoa(p.Floor) || p.Floor > buildings[key{p.EstateCode, p.BuildingNo}] {
			t.Errorf("part %v floor %d: duplicate, unknown stairwell or bad room", k, p.Floor)
		}
		if p.Kind == estate.KindDwelling {
			nd[p.EstateCode]++
			if p.Area < 3800 || p.Area > 12000 {
				t.Errorf("dwelling %v: area %v", k, p.Area)
			}
		}
		parts[k] = p.Part
	}
	for code, e := range estates {
		if e.Buildings != nb[code] || e.Dwellings != nd[code] {
			t.Errorf("estate %s declares %d buildings, %d dwellings; has %d, %d", code, e.Buildings, e.Dwellings, nb[code], nd[code])
		}
	}
	owners := map[string]*OwnerRec{}
	mobile := regexp.MustCompile(`^1[358][0-9]{9}$`)
	for i, o := range c.Owners {
		valid := o.Kind == estate.OwnerPerson && validID(o.Key) || o.Kind == estate.OwnerOrganisation && validCreditCode(o.Key)
		if owners[o.Key] != nil || !valid || o.IDNumber != o.Key || o.Name == "" || o.Phone != "" && !mobile.MatchString(o.Phone) {
			t.Errorf("owner %+v: duplicate or malformed", o)
		}
		owners[o.Key] = &c.Owners[i]
	}
	type holding struct {
		reps   int
		share  *big.Rat
		owners []*OwnerRec
	}
	held := map[key]*holding{}
	for _, o := range c.Ownerships {
		k := key{o.EstateCode, o.BuildingNo, o.StairwellNo, o.Room}
		if _, ok := parts[k]; !ok || owners[o.OwnerKey] == nil || o.ShareNum <= 0 || o.ShareDen < o.ShareNum {
			t.Fatalf("ownership %+v: unknown part or owner, or bad share", o)
		}
		h := held[k]
		if h == nil {
			h = &holding{share: new(big.Rat)}
			held[k] = h
		}
		h.share.Add(h.share, big.NewRat(o.ShareNum, o.ShareDen))
		h.owners = append(h.owners, owners[o.OwnerKey])
		if o.Representative {
			h.reps++
		}
	}
	for k, p := range parts {
		h := held[k]
		switch {
		case !p.Delivered && p.Sold:
			if h != nil {
				t.Errorf("part %v sold but not delivered has owners", k)
			}
		case h == nil:
			t.Errorf("part %v has no owner", k)
		case h.reps != 1 || h.share.Cmp(big.NewRat(1, 1)) != 0:
			t.Errorf("part %v: %d representatives, shares sum to %v", k, h.reps, h.share)
		case !p.Sold && (len(h.owners) != 1 || !strings.HasSuffix(h.owners[0].Name, "房地产开发有限公司")):
			t.Errorf("unsold part %v not held by its developer", k)
		}
	}
	date := regexp.MustCompile(`^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9])$`)
	for _, r := range c.Residents {
		k := key{r.EstateCode, r.BuildingNo, r.StairwellNo, r.Room}
		if p, ok := parts[k]; !ok || p.Kind != estate.KindDwelling || r.Name == "" ||
			r.BirthYear < 1920 || r.BirthYear >= RefYear || !date.MatchString(r.MovedIn) || r.MovedIn[:4] > strconv.Itoa(RefYear) {
			t.Errorf("resident %+v: unknown dwelling or malformed", r)
		}
	}
}

func TestOwnershipPatterns(t *testing.T) {
	c := city1()
	parts := map[string][]string{} // owner key -> estates of the parts held
	owners := map[[4]string]int{}
	for _, o := range c.Ownerships {
		parts[o.OwnerKey] = append(parts[o.OwnerKey], o.EstateCode)
		owners[[4]string{o.EstateCode, o.BuildingNo, o.StairwellNo, o.Room}]++
	}
	multi, across, coOwned, orgDwellings := 0, 0, 0, 0
	for _, o := range c.Owners {
		ps := parts[o.Key]
		if len(ps) == 0 {
			t.Errorf("owner %s %s holds nothing", o.Key, o.Name)
		}
		if o.Kind == estate.OwnerPerson {
			if len(ps) > 3 {
				t.Errorf("person %s holds %d parts", o.Key, len(ps))
			}
			if len(ps) > 1 {
				multi++
				if ps[0] != ps[len(ps)-1] {
					across++
				}
			}
		}
	}
	for _, n := range owners {
		if n == 2 {
			coOwned++
		}
	}
	kinds := map[[4]string]estate.PartKind{}
	sources := map[estate.AreaSource]int{}
	unsold, undelivered := 0, 0
	for _, p := range c.Parts {
		kinds[[4]string{p.EstateCode, p.BuildingNo, p.StairwellNo, p.Room}] = p.Kind
		sources[p.AreaSource]++
		if !p.Sold {
			unsold++
		} else if !p.Delivered {
			undelivered++
		}
	}
	org := map[string]bool{}
	for _, o := range c.Owners {
		org[o.Key] = o.Kind == estate.OwnerOrganisation
	}
	for _, o := range c.Ownerships {
		if org[o.OwnerKey] && kinds[[4]string{o.EstateCode, o.BuildingNo, o.StairwellNo, o.Room}] == estate.KindDwelling {
			orgDwellings++
		}
	}
	if multi < 50 || across == 0 || coOwned < 100 || orgDwellings < 10 {
		t.Errorf("%d people own several parts (%d in several estates); %d parts co-owned; %d dwellings held by organisations",
			multi, across, coOwned, orgDwellings)
	}
	if unsold == 0 || undelivered == 0 {
		t.Errorf("%d unsold and %d undelivered parts", unsold, undelivered)
	}
	if sources[estate.SourceRegister] <= len(c.Parts)/2 || sources[estate.SourceSurveyed] == 0 || sources[estate.SourceContract] == 0 {
		t.Errorf("area sources %v: want mostly register, some surveyed and contract", sources)
	}
}

func TestDeterministic(t *testing.T) {
	if !reflect.DeepEqual(Generate(Options{Seed: 1}), city1()) {
		t.Error("the same seed gave different cities")
	}
	if reflect.DeepEqual(Generate(Options{Seed: 2}), city1()) {
		t.Error("different seeds gave the same city")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(Options{Seed: 1})
	}
}

// validID checks a resident ID number: GB 11643 check character and a
// plausible birth date.
func validID(s string) bool {
	y, err := strconv.Atoi(s[6:min(10, len(s))])
	return pii.ValidChineseID(s) && err == nil && y >= 1920 && y < RefYear && s[10:12] >= "01" && s[10:12] <= "12"
}

// validCreditCode checks a unified social credit code (GB 32100) and the
// organisation code inside it (GB 11714).
func validCreditCode(s string) bool {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(s) != 18 {
		return false
	}
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(alphabet, s[i])
		if v < 0 {
			return false
		}
		sum, w = sum+v*w, w*3%31
	}
	org, osum := s[8:17], 0
	for i, w := range []int{3, 7, 9, 10, 5, 8, 4, 2} {
		osum += int(org[i]-'0') * w
	}
	oc := (11 - osum%11) % 11
	return alphabet[(31-sum%31)%31] == s[17] && (oc == 10 && org[8] == 'X' || oc < 10 && int(org[8]-'0') == oc)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
