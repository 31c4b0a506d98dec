package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// yuanOf turns fen into the "123456.78" an officer types.
func yuanOf(fen int64) string {
	return strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(100+fen%100, 10)[1:]
}

// TestSpendingEndToEnd: a community officer makes a roof plan for the
// demo resident's estate, marks the district's money received, records a
// contract 1,000 yuan over the roof's budget with a down payment and a
// final payment, allocates the money to it, pays the down payment, and
// sees budget vs committed vs paid with the overrun flagged.
func TestSpendingEndToEnd(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates?q=丝绸厂宿舍"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`))),
		loaded(chromedp.Click(chromedp.CSS(`main .page-head a[href$="/plans"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#np-title`)),
		chromedp.SendKeys(chromedp.CSS(`#np-title`), "屋面防水方案"),
		loaded(chromedp.Submit(chromedp.CSS(`#np-title`))),
		chromedp.WaitVisible(chromedp.CSS(`#pl-item`)),
		chromedp.SetValue(chromedp.CSS(`#pl-item`), "B14"),
		chromedp.SendKeys(chromedp.CSS(`#pl-quantity`), "800"),
		loaded(chromedp.Submit(chromedp.CSS(`#pl-quantity`)))); err != nil {
		t.Fatal(err)
	}
	planPath, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/plans/\d+$`).MatchString(planPath) {
		t.Fatalf("after the plan: %q %v\n%s", planPath, err, text(officer, t, "main"))
	}

	// The roof's budget, as the contract form shows it.
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(baseURL+planPath+"/contracts/new")),
		chromedp.WaitVisible(chromedp.CSS(`#contract-items`))); err != nil {
		t.Fatal(err)
	}
	budgetText := text(officer, t, `#contract-items tbody td.num`)
	budget, err := strconv.ParseInt(strings.NewReplacer(",", "", ".", "").Replace(budgetText), 10, 64)
	if err != nil || budget <= 0 {
		t.Fatalf("budget %q: %v", budgetText, err)
	}

	// The district pays the roof; the money arrives.
	if err := chromedp.Do(officer, loaded(chromedp.Navigate(baseURL+planPath+"/funding")), chromedp.WaitVisible(chromedp.CSS(`#fd-item`)),
		chromedp.SetValue(chromedp.CSS(`#fd-item`), "B14"),
		chromedp.SetValue(chromedp.CSS(`#fd-source`), "district_budget"),
		chromedp.SendKeys(chromedp.CSS(`#fd-amount`), yuanOf(budget)),
		loaded(chromedp.Submit(chromedp.CSS(`#fd-amount`))), chromedp.WaitVisible(chromedp.CSS(`#funding-lines`)),
		loaded(chromedp.Click(chromedp.CSS(`#funding-lines form[action$="/advance"] button`))),
		chromedp.WaitVisible(chromedp.CSS(`#funding-lines`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#funding-lines tbody"); !strings.Contains(got, "已到位") {
		t.Fatalf("line not received: %s", got)
	}

	// The contract: 1,000 yuan over the budget, 30% down.
	amount := budget + 100000
	down := amount * 30 / 100
	no := "E2E-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`main a[href$="/contracts/new"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#ct-no`)),
		chromedp.SendKeys(chromedp.CSS(`#ct-no`), no),
		chromedp.SendKeys(chromedp.CSS(`#ct-title`), "屋面防水施工"),
		chromedp.SendKeys(chromedp.CSS(`#ct-counterparty`), "焕新建设工程有限公司"),
		chromedp.SendKeys(chromedp.CSS(`#ct-credit_code`), "91350100M000100Y43"),
		chromedp.SendKeys(chromedp.CSS(`#ct-amount-B14`), yuanOf(amount)),
		chromedp.SetValue(chromedp.CSS(`#ms-due-0`), "2026-03-10"),
		chromedp.SendKeys(chromedp.CSS(`#ms-amount-0`), yuanOf(down)),
		chromedp.SetValue(chromedp.CSS(`#ms-name-1`), "竣工结算"),
		chromedp.SetValue(chromedp.CSS(`#ms-due-1`), "2026-09-01"),
		chromedp.SendKeys(chromedp.CSS(`#ms-amount-1`), yuanOf(amount-down)),
		loaded(chromedp.Submit(chromedp.CSS(`#ct-no`))),
		chromedp.WaitVisible(chromedp.CSS(`#contract-facts`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}

	// Allocate the roof's money, then pay the down payment from it.
	if err := chromedp.Do(officer, chromedp.SendKeys(chromedp.CSS(`#al-amount`), yuanOf(budget)),
		loaded(chromedp.Submit(chromedp.CSS(`#al-amount`))), chromedp.WaitVisible(chromedp.CSS(`#contract-allocations`)),
		chromedp.SendKeys(chromedp.CSS(`#py-amount`), yuanOf(down)),
		chromedp.SendKeys(chromedp.CSS(`#py-voucher`), "区财付〔2026〕9号"),
		loaded(chromedp.Submit(chromedp.CSS(`#py-amount`))), chromedp.WaitVisible(chromedp.CSS(`#contract-payments`))); err != nil {
		t.Fatalf("%v\n%s", err, text(officer, t, "main"))
	}
	if got := text(officer, t, "#contract-paid"); !strings.Contains(got, "已付款") || strings.Contains(got, "已付款 0.00") {
		t.Fatalf("paid: %q", got)
	}
	accessible(officer, t)

	// Budget vs committed vs paid: the roof is 1,000.00 over.
	if err := chromedp.Do(officer, loaded(chromedp.Click(chromedp.CSS(`main .page-head a[href$="/budget"]`))),
		chromedp.WaitVisible(chromedp.CSS(`#budget-table`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#budget-overruns"); !strings.Contains(got, "超出预算") {
		t.Fatalf("overruns: %q", got)
	}
	table := text(officer, t, "#budget-table")
	for _, want := range []string{"屋面修缮", "合同金额超出预算"} {
		if !strings.Contains(table, want) {
			t.Errorf("budget table lacks %q:\n%s", want, table)
		}
	}
	accessible(officer, t)
}
