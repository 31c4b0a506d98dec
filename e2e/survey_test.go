package e2e

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSurveyOnPhone: a community officer surveys an estate on a
// phone-sized screen, grades the roof as dangerous with a quantity, a
// hazard, notes and a photo taken on site, saves and submits the survey;
// the survey page shows the finding and the photo's phone-size rendition.
func TestSurveyOnPhone(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "roof.png")
	img := image.NewRGBA(image.Rect(0, 0, 2000, 1500))
	for y := range 1500 {
		for x := range 2000 {
			img.Set(x, y, color.RGBA{uint8(x / 8), uint8(y / 6), 90, 255})
		}
	}
	f, err := os.Create(photo)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()

	ctx := phone(t)
	if err := chromedp.Do(ctx, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`)))); err != nil {
		t.Fatal(err)
	}
	estatePath, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+estatePath+"/surveys/new"),
		chromedp.WaitVisible(chromedp.CSS(`#grade-B14-4`)),
		chromedp.Click(chromedp.CSS(`#grade-B14-4`)),
		chromedp.SendKeys(chromedp.CSS(`#qty-B14`), "120.5"),
		chromedp.Click(chromedp.CSS(`#hazard-B14`)),
		chromedp.SendKeys(chromedp.CSS(`#notes-B14`), "3号楼屋面大面积渗漏"),
		chromedp.SetUploadFiles(chromedp.CSS(`#photo-B14`), []string{photo}),
		chromedp.Click(chromedp.CSS(`#grade-I06-3`)),
		chromedp.SendKeys(chromedp.CSS(`#qty-I06`), "40"),
		loaded(chromedp.Click(chromedp.CSS(`#save-survey`)))); err != nil {
		t.Fatal(err)
	}
	surveyPath, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/surveys/\d+$`).MatchString(surveyPath) {
		t.Fatalf("after saving: %q %v\n%s", surveyPath, err, text(ctx, t, "main"))
	}
	if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`#submit-survey`)))); err != nil {
		t.Fatal(err)
	}
	got := text(ctx, t, "main")
	for _, want := range []string{"已提交", "屋面", "危险", "存在安全隐患", "120.50 m²", "3号楼屋面大面积渗漏", "停车", "较差", "40.00 个"} {
		if !strings.Contains(got, want) {
			t.Errorf("survey page lacks %q:\n%s", want, got)
		}
	}
	// The photo shows as its rendition, 1280 px wide, linked to the original.
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const img = document.querySelector('#finding-B14 .photos img');
		if (!img) return -1;
		await img.decode();
		return img.naturalWidth;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || width != 1280 {
		t.Fatalf("photo rendition width = %d, %v", width, err)
	}
	// No horizontal scrolling on the phone.
	if over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || over {
		t.Errorf("survey page scrolls sideways on a phone: %v %v", over, err)
	}
}
