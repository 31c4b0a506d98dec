package e2e

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMaintenanceFundEndToEnd: a community officer imports the bank's
// balances of the maintenance fund for the demo resident's estate from an
// xlsx file, requests an emergency use (Art. 281) for building 1, is told
// that it needs its approvals, enters them, approves and pays the use and
// sees building 1's balance fall by the amount.
func TestMaintenanceFundEndToEnd(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates?q=丝绸厂宿舍"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`)))); err != nil {
		t.Fatal(err)
	}
	estatePath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/estates/\d+$`).MatchString(estatePath) {
		t.Fatalf("estate page: %q %v", estatePath, err)
	}
	estateID := strings.TrimPrefix(estatePath, "/estates/")

	// The estate's parts, as the API lists them to the signed-in officer.
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(baseURL+"/api/v1/parts?per_page=1000&estate_id="+estateID))); err != nil {
		t.Fatal(err)
	}
	var parts struct {
		Items []struct {
			BuildingID  int64  `json:"building_id"`
			BuildingNo  string `json:"building_no"`
			StairwellNo string `json:"stairwell_no"`
			Room        string `json:"room"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(text(officer, t, "body")), &parts); err != nil || len(parts.Items) == 0 || parts.Total != len(parts.Items) {
		t.Fatalf("parts: %v %d of %d", err, len(parts.Items), parts.Total)
	}
	// Every dwelling has 5,000 yuan; building 1's total is what the page
	// must show before and after the use. Units of a building repeat room
	// numbers, so each row names its unit.
	sheet := [][]any{{"楼栋号", "单元号", "房号", "余额(元)"}}
	var building1 string
	inBuilding1 := 0
	for _, p := range parts.Items {
		sheet = append(sheet, []any{p.BuildingNo, p.StairwellNo, p.Room, "5000.00"})
		if p.BuildingNo == "1" {
			building1 = strconv.FormatInt(p.BuildingID, 10)
			inBuilding1++
		}
	}
	if inBuilding1 == 0 {
		t.Fatal("the estate has no building 1")
	}
	file := filepath.Join(t.TempDir(), "balances.xlsx")
	writeXLSX(t, file, sheet)
	fund := baseURL + "/estates/" + estateID + "/maintenance-fund"
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(fund)), chromedp.WaitVisible(chromedp.CSS(`#mf-file`)),
		chromedp.SetValue(chromedp.CSS(`#mf-asof`), "2026-06-30"),
		chromedp.SetUploadFiles(chromedp.CSS(`#mf-file`), []string{file}),
		loaded(chromedp.Submit(chromedp.CSS(`#mf-file`))), chromedp.WaitVisible(chromedp.CSS(`#maintenance-balances, #maintenance-error`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}
	if rows(officer, t, `#maintenance-error`) > 0 {
		t.Fatalf("the import was refused:\n%s", text(officer, t, "main"))
	}
	total := groupYuan(5000 * 100 * int64(inBuilding1))
	if got := text(officer, t, `#maintenance-balances tr.subtotal`); !strings.Contains(got, "1 号楼") || !strings.Contains(got, total) || !strings.Contains(got, "2026-06-30") {
		t.Fatalf("building 1 after the import: %q, want %s", got, total)
	}

	// An emergency use without its approvals is refused, next to the field.
	if err := chromedp.Do(officer, chromedp.SendKeys(chromedp.CSS(`#mu-purpose`), "屋面漏水抢修"),
		chromedp.SendKeys(chromedp.CSS(`#mu-amount`), "1200.50"),
		chromedp.Click(chromedp.CSS(`#mf-use ~ form input[name="buildings"][value="`+building1+`"]`)),
		chromedp.Click(chromedp.CSS(`#mu-basis-emergency`)),
		chromedp.SendKeys(chromedp.CSS(`#mu-emergency`), "暴雨致顶层屋面漏水，危及住户安全"),
		loaded(chromedp.Submit(chromedp.CSS(`#mu-purpose`))), chromedp.WaitVisible(chromedp.CSS(`#maintenance-error`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}
	if rows(officer, t, `#mu-approvals-err`) != 1 {
		t.Fatalf("no error next to the approvals:\n%s", text(officer, t, "main"))
	}

	// With the owners' committee's and the housing bureau's approvals.
	if err := chromedp.Do(officer,
		chromedp.SetValue(chromedp.CSS(`#mu-ap-name-0`), "王建国"), chromedp.SetValue(chromedp.CSS(`#mu-ap-role-0`), "业主委员会"),
		chromedp.SetValue(chromedp.CSS(`#mu-ap-on-0`), "2026-07-01"),
		chromedp.SetValue(chromedp.CSS(`#mu-ap-name-1`), "李卫东"), chromedp.SetValue(chromedp.CSS(`#mu-ap-role-1`), "区住房和城乡建设局"),
		chromedp.SetValue(chromedp.CSS(`#mu-ap-on-1`), "2026-07-01"),
		loaded(chromedp.Submit(chromedp.CSS(`#mu-purpose`))), chromedp.WaitVisible(chromedp.CSS(`#maintenance-uses`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}
	use := text(officer, t, `#maintenance-uses tbody tr:first-child`)
	for _, want := range []string{"屋面漏水抢修", "1,200.50", "紧急情况", "业主委员会 王建国", "区住房和城乡建设局 李卫东", strconv.Itoa(inBuilding1)} {
		if !strings.Contains(use, want) {
			t.Errorf("the use lacks %q: %s", want, use)
		}
	}
	for _, step := range []string{"approve", "pay"} {
		if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`#maintenance-uses form[action$="/`+step+`"] button`))),
			chromedp.WaitVisible(chromedp.CSS(`#maintenance-uses`))); err != nil {
			t.Fatalf("%s: %v\n%s", step, err, text(officer, t, "main"))
		}
	}
	if got := text(officer, t, `#maintenance-uses tbody tr:first-child`); !strings.Contains(got, "已拨付") {
		t.Errorf("the use after paying: %s", got)
	}
	after := groupYuan(5000*100*int64(inBuilding1) - 120050)
	if got := text(officer, t, `#maintenance-balances tr.subtotal`); !strings.Contains(got, after) {
		t.Fatalf("building 1 after the use: %q, want %s", got, after)
	}
	accessible(officer, t)
}

// groupYuan writes fen as yuan with thousands separators ("12,345.67").
func groupYuan(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
}
