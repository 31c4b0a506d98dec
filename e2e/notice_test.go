package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huanxin/huanxin"
)

// TestNoticeEndToEnd: a community officer publishes a works notice for an
// estate where the demo resident lives; the resident finds it in the
// inbox on a phone-sized screen, opens it (the household's read receipt)
// and raises an objection; the officer answers it and sees the list of
// households not reached shrink.
func TestNoticeEndToEnd(t *testing.T) {
	officer, resident := browser(t), phone(t)
	estate := sharedEstate(t, officer, resident)

	// The officer writes a works notice (at least 3 days) and publishes it.
	today := time.Now().In(huanxin.Shanghai)
	title := "外墙施工公告 " + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/notices/new?estate="+estate),
		chromedp.WaitVisible(chromedp.CSS(`#n-title`)),
		chromedp.SetValue(chromedp.CSS(`#n-type`), "works"),
		chromedp.SendKeys(chromedp.CSS(`#n-title`), title),
		chromedp.SendKeys(chromedp.CSS(`#n-body`), "下周一起外墙保温施工，请关好窗户。"),
		chromedp.SetValue(chromedp.CSS(`#n-start`), today.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.CSS(`#n-end`), today.AddDate(0, 0, 7).Format(time.DateOnly)),
		loaded(chromedp.Submit(chromedp.CSS(`#n-title`))),
		chromedp.WaitVisible(chromedp.CSS(`#notice-status`)),
		loaded(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`))),
		chromedp.WaitVisible(chromedp.CSS(`#notice-status`))); err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/notices/\d+$`).MatchString(path) {
		t.Fatalf("after publishing: %q %v\n%s", path, err, text(officer, t, "main"))
	}
	if got := text(officer, t, "#notice-status"); !strings.Contains(got, "公示中") {
		t.Fatalf("status %q\n%s", got, text(officer, t, "main"))
	}
	notReached := func() int {
		t.Helper()
		if err := chromedp.Do(officer, chromedp.Navigate(baseURL+path+"/not-reached"), chromedp.WaitVisible(chromedp.CSS(`#unreached-total`))); err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(text(officer, t, "#unreached-total")))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := notReached()
	if before == 0 {
		t.Fatal("no household to reach")
	}

	// The resident sees it in the inbox, opens it and objects.
	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+"/inbox"), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "main"); !strings.Contains(got, title) {
		t.Fatalf("inbox lacks the notice:\n%s", got)
	}
	accessible(resident, t)
	if n := rows(resident, t, `#unread-count`); n != 1 {
		t.Fatal("no unread count in the header")
	}
	open, err := chromedp.Run(resident, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const b = [...document.querySelectorAll('form[action^="/inbox/"] button')].find(b => b.innerText.includes(%q));
		return b ? b.form.getAttribute('action') : '';
	})()`, title)))
	if err != nil || open == "" {
		t.Fatalf("no button for the message: %v", err)
	}
	if err := chromedp.Do(resident, loaded(chromedp.Click(chromedp.CSS(`form[action="`+open+`"] button`))),
		chromedp.WaitVisible(chromedp.CSS(`#objection-body`))); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(resident, chromedp.Evaluate[string](`location.pathname`)); got != path {
		t.Fatalf("the message led to %q, not %q", got, path)
	}
	accessible(resident, t)
	if err := chromedp.Do(resident,
		chromedp.SendKeys(chromedp.CSS(`#objection-body`), "施工时间能否避开中午？"),
		loaded(chromedp.Submit(chromedp.CSS(`#objection-body`))),
		chromedp.WaitVisible(chromedp.CSS(`ol.objections`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "ol.objections"); !strings.Contains(got, "施工时间能否避开中午？") {
		t.Fatalf("objections:\n%s", got)
	}

	// The officer answers; the households reached shrink the list.
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`ol.objections textarea`)),
		chromedp.SendKeys(chromedp.CSS(`ol.objections textarea`), "中午12点至14点停止施工。"),
		loaded(chromedp.Submit(chromedp.CSS(`ol.objections textarea`))),
		chromedp.WaitVisible(chromedp.CSS(`ol.objections .answer`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "ol.objections"); !strings.Contains(got, "中午12点至14点停止施工") {
		t.Fatalf("answer not shown:\n%s", got)
	}
	if after := notReached(); after >= before {
		t.Fatalf("not reached: %d before the resident opened the notice, %d after", before, after)
	}
	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`ol.objections .answer`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "ol.objections .answer"); !strings.Contains(got, "中午12点至14点停止施工") {
		t.Fatalf("the resident sees the answer as %q", got)
	}
	accessible(resident, t)
}

// sharedEstate signs the community officer and the demo resident in and
// returns the id of the first estate where the resident has a dwelling and
// the officer serves.
func sharedEstate(t *testing.T, officer, resident context.Context) string {
	t.Helper()
	const list = `/api/v1/estates?per_page=1000`
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+list), chromedp.WaitVisible(chromedp.CSS(`body`))); err != nil {
		t.Fatal(err)
	}
	served, err := chromedp.Run(officer, chromedp.Evaluate[[]string](`JSON.parse(document.body.innerText).items.map(e => String(e.id))`))
	if err != nil || len(served) == 0 {
		t.Fatalf("the community officer serves no estates: %v", err)
	}
	if err := chromedp.Do(resident, signIn("resident", "huanxin2026"),
		chromedp.Navigate(baseURL+list), chromedp.WaitVisible(chromedp.CSS(`body`))); err != nil {
		t.Fatal(err)
	}
	ids, _ := json.Marshal(served)
	estate, err := chromedp.Run(resident, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const served = new Set(%s);
		return JSON.parse(document.body.innerText).items.map(e => String(e.id)).find(id => served.has(id)) || '';
	})()`, ids)))
	if err != nil || estate == "" {
		t.Fatalf("the resident has no dwelling in the officer's estates: %v", err)
	}
	return estate
}
