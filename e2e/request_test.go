package e2e

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestResidentComplaintEndToEnd: a resident files a complaint with a photo
// on a phone-sized screen; the community officer finds it in the queue,
// answers it and puts it in the estate's FAQ, as the resident agreed; the
// resident rates the answer with the star buttons and reads the FAQ; the
// officer sees the statistics per unit. The resident's pages pass the
// accessibility checks.
func TestResidentComplaintEndToEnd(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "井盖.png")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photo, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The resident may own dwellings in several estates and files about
	// one that the community officer serves.
	officer, resident := browser(t), phone(t)
	estate := sharedEstate(t, officer, resident)
	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+"/requests/new?estate="+estate), chromedp.WaitVisible(chromedp.CSS(`#rq-title`))); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(resident, chromedp.Evaluate[string](`document.querySelector('[name=estate_id]').value`)); err != nil || got != estate {
		t.Fatalf("the form is about estate %q, not %q (%v)", got, estate, err)
	}
	accessible(resident, t)
	if err := chromedp.Do(resident,
		chromedp.Click(chromedp.CSS(`#rq-kind-complaint`)),
		chromedp.SetValue(chromedp.CSS(`#rq-category`), "roads"),
		chromedp.SendKeys(chromedp.CSS(`#rq-title`), "楼下井盖松动"),
		chromedp.SendKeys(chromedp.CSS(`#rq-body`), "3幢门口的井盖松动，晚上老人容易绊倒。"),
		chromedp.SendKeys(chromedp.CSS(`#rq-location`), "3幢门口"),
		chromedp.SetUploadFiles(chromedp.CSS(`#rq-photos`), []string{photo}),
		chromedp.Click(chromedp.CSS(`label[for="rq-public"]`)),
		loaded(chromedp.Submit(chromedp.CSS(`#rq-title`))),
		chromedp.WaitVisible(chromedp.CSS(`#request-status`))); err != nil {
		t.Fatal(err)
	}
	path, err := chromedp.Run(resident, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/requests/\d+$`).MatchString(path) {
		t.Fatalf("after submitting: %q %v\n%s", path, err, text(resident, t, "main"))
	}
	if got := text(resident, t, "#request-status"); !strings.Contains(got, "办理中") {
		t.Fatalf("status %q", got)
	}
	if n := rows(resident, t, `img.photo`); n != 1 {
		t.Fatalf("%d photos shown", n)
	}
	accessible(resident, t)

	if err := chromedp.Do(officer,
		chromedp.Navigate(baseURL+"/requests?status=assigned"), chromedp.WaitVisible(chromedp.CSS(`#request-table`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#request-table"); !strings.Contains(got, "楼下井盖松动") {
		t.Fatalf("queue lacks the complaint:\n%s", got)
	}
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`#reply-text`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-text`), "已安排维修人员今天更换井盖。"),
		loaded(chromedp.Submit(chromedp.CSS(`#reply-text`))),
		chromedp.WaitVisible(chromedp.CSS(`#answer`)),
		// The resident agreed: the question and its answer go to the estate's FAQ.
		chromedp.SetValue(chromedp.CSS(`#pub-q`), "小区井盖松动找谁修？"),
		chromedp.SetValue(chromedp.CSS(`#pub-a`), "在本平台反映，社区安排维修人员当天更换。"),
		loaded(chromedp.Submit(chromedp.CSS(`#pub-a`))),
		chromedp.WaitVisible(chromedp.CSS(`#answer`))); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`#star-5`))); err != nil {
		t.Fatal(err)
	}
	accessible(resident, t)
	if err := chromedp.Do(resident, chromedp.Click(chromedp.CSS(`label[for="star-5"]`)),
		chromedp.SendKeys(chromedp.CSS(`#rate-comment`), "很及时，谢谢"),
		loaded(chromedp.Submit(chromedp.CSS(`#rate-comment`))),
		chromedp.WaitVisible(chromedp.CSS(`#request-status`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "main"); !strings.Contains(got, "已办结") || !strings.Contains(got, "已安排维修人员今天更换井盖") ||
		!strings.Contains(got, "5 / 5") {
		t.Fatalf("after rating:\n%s", got)
	}
	accessible(resident, t)
	if err := chromedp.Do(resident, loaded(chromedp.Click(chromedp.CSS(`main a[href$="/faq"]`))), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	if got := text(resident, t, "main"); !strings.Contains(got, "小区井盖松动找谁修？") || !strings.Contains(got, "社区安排维修人员当天更换") {
		t.Fatalf("the estate's FAQ:\n%s", got)
	}
	accessible(resident, t)

	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/requests/overview"), chromedp.WaitVisible(chromedp.CSS(`#overview-table`))); err != nil {
		t.Fatal(err)
	}
	if got := text(officer, t, "#overview-table"); !strings.Contains(got, "5.00") {
		t.Fatalf("overview:\n%s", got)
	}
	if n := rows(officer, t, `figure.chart svg rect`); n < 3 {
		t.Fatalf("%d bars drawn", n)
	}
}
