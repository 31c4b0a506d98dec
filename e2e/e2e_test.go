// Package e2e drives the real binary in headless Chromium (Debian's
// chromium package): what an officer and a resident do in the browser.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

var baseURL string

// chromium returns the browser to use: HUANXIN_CHROMIUM, else chromium on
// the PATH. In CI a missing browser fails the suite.
func chromium() string {
	if p := os.Getenv("HUANXIN_CHROMIUM"); p != "" {
		return p
	}
	p, _ := exec.LookPath("chromium")
	return p
}

func TestMain(m *testing.M) {
	if chromium() == "" {
		if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "e2e: CI is set but Chromium is not installed (apt-get install chromium)")
			os.Exit(1)
		}
		fmt.Println("e2e: Chromium not installed; browser tests not run (apt-get install chromium)")
		os.Exit(0)
	}
	if err := loadAxe(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "huanxin-e2e")
	if err != nil {
		panic(err)
	}
	code := run(m, dir)
	os.RemoveAll(dir)
	os.Exit(code)
}

// run builds the binary, starts it with the demo city on a free port and
// runs the tests against it.
func run(m *testing.M, dir string) int {
	bin := filepath.Join(dir, "huanxin")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/huanxin").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: build: %v\n%s", err, out)
		return 1
	}
	srv := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	srv.Env = append(os.Environ(), "HUANXIN_DB=")
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start:", err)
		return 1
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	addr := regexp.MustCompile(`listening on (http://\S+)/`)
	found := make(chan string, 1)
	go func() {
		defer close(found)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := addr.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				io.Copy(io.Discard, stdout)
				return
			}
		}
	}()
	select {
	case u, ok := <-found:
		if !ok {
			fmt.Fprintln(os.Stderr, "e2e: the server exited before listening")
			return 1
		}
		baseURL = u
	case <-time.After(3 * time.Minute):
		fmt.Fprintln(os.Stderr, "e2e: server did not start")
		return 1
	}
	return m.Run()
}

// browser returns a fresh headless browser context (its own profile, so
// its own cookies) that ends with the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	return newBrowser(t, 1280, 900)
}

// phone returns a browser with a phone-sized screen.
func phone(t *testing.T) context.Context {
	t.Helper()
	ctx := newBrowser(t, 390, 844)
	// Headless Chromium keeps a window at least 500 px wide: emulate the
	// phone's screen (and its viewport meta handling) instead.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

// loaded runs an action that navigates (a submit, a link) and waits for
// the new page's load event, so that later steps see the new page.
func loaded(trigger chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, trigger)(ctx, t)
		return err
	})
}

func signIn(login, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(baseURL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-login`)),
		chromedp.SendKeys(chromedp.CSS(`#f-login`), login),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		loaded(chromedp.Submit(chromedp.CSS(`#f-password`))),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
}

func text(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func rows(ctx context.Context, t *testing.T, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOfficerBrowsesAndImports: a community officer signs in, filters the
// estate list, opens an estate, imports a file with one error, sees the
// message naming the row and column, fixes it and imports it.
func TestOfficerBrowsesAndImports(t *testing.T) {
	ctx := browser(t)
	if err := chromedp.Do(ctx, signIn("community", "huanxin2026")); err != nil {
		t.Fatal(err)
	}
	if h := text(ctx, t, "main h1"); !strings.Contains(h, "工作台") {
		t.Fatalf("home heading = %q", h)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`))); err != nil {
		t.Fatal(err)
	}
	all := rows(ctx, t, "#estate-table tbody tr")
	if all < 1 {
		t.Fatal("the community officer sees no estates")
	}
	firstName, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`)))
	if err != nil {
		t.Fatal(err)
	}
	// Filter by a name that matches nothing, then by the first estate's name.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "不存在的小区名"), loaded(chromedp.Submit(chromedp.CSS(`#f-q`))),
		chromedp.WaitVisible(chromedp.CSS(`#estate-table`))); err != nil {
		t.Fatal(err)
	}
	if got := text(ctx, t, "#estate-table tbody"); !strings.Contains(got, "暂无记录") {
		t.Fatalf("filtered list should be empty, shows %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#f-q`), firstName), loaded(chromedp.Submit(chromedp.CSS(`#f-q`))),
		chromedp.WaitVisible(chromedp.CSS(`#estate-table`))); err != nil {
		t.Fatal(err)
	}
	if n := rows(ctx, t, "#estate-table tbody tr"); n < 1 || n > all {
		t.Fatalf("filter by name shows %d rows", n)
	}
	if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`))),
		chromedp.WaitVisible(chromedp.CSS(`#part-table`))); err != nil {
		t.Fatal(err)
	}
	if h := text(ctx, t, "main h1"); !strings.Contains(h, firstName) {
		t.Fatalf("estate page heading %q lacks %q", h, firstName)
	}
	if n := rows(ctx, t, "#part-table tbody tr"); n < 1 {
		t.Fatal("estate page lists no dwellings")
	}
	// Correct the estate in the browser: a bad area first, then a good one.
	estateURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+estateURL+"/edit"), chromedp.WaitVisible(chromedp.CSS(`#f-land`)),
		chromedp.SetValue(chromedp.CSS(`#f-land`), "12.345"), loaded(chromedp.Submit(chromedp.CSS(`#f-land`)))); err != nil {
		t.Fatal(err)
	}
	if msg := text(ctx, t, "#f-land-err"); msg == "" {
		t.Fatal("no message for a land area with three decimals")
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#f-land`), "12345.67"),
		chromedp.SetValue(chromedp.CSS(`#f-notes`), "浏览器测试修改"), loaded(chromedp.Submit(chromedp.CSS(`#f-land`))),
		chromedp.WaitVisible(chromedp.CSS(`#part-table`))); err != nil {
		t.Fatal(err)
	}
	if facts := text(ctx, t, "dl.kv"); !strings.Contains(facts, "12345.67") || !strings.Contains(facts, "浏览器测试修改") {
		t.Fatalf("estate not updated: %q", facts)
	}
	// Assisted mode: act for an owner, see it stated, end it.
	if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`#part-table form[action="/assist"] button`)))); err != nil {
		t.Fatal(err)
	}
	if top := text(ctx, t, "header.top"); !strings.Contains(top, "代办模式") {
		t.Fatalf("assisted mode not shown: %q", top)
	}
	if err := chromedp.Do(ctx, loaded(chromedp.Click(chromedp.CSS(`header.top form[action="/assist"] button`)))); err != nil {
		t.Fatal(err)
	}
	if top := text(ctx, t, "header.top"); strings.Contains(top, "代办模式") {
		t.Fatalf("assisted mode not ended: %q", top)
	}
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`dl.kv dd`)))
	if err != nil {
		t.Fatal(err)
	}
	// Import buildings for this estate: one bad floor count first.
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.xlsx"), filepath.Join(dir, "good.xlsx")
	writeBuildings(t, bad, strings.TrimSpace(code), "九层")
	writeBuildings(t, good, strings.TrimSpace(code), "9")
	upload := func(path string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(baseURL+"/import?kind=buildings"),
			chromedp.WaitVisible(chromedp.CSS(`#f-file`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{path}),
			chromedp.Click(chromedp.CSS(`button[name=go]`)), // app.js uploads with a progress bar and swaps the page in,
			chromedp.WaitVisible(chromedp.CSS(`#import-error, #import-result`)),
		)
	}
	if err := chromedp.Do(ctx, upload(bad)); err != nil {
		t.Fatal(err)
	}
	msg := text(ctx, t, "main")
	if !strings.Contains(msg, "未导入") || !strings.Contains(msg, "层数") || !strings.Contains(msg, "C") {
		t.Fatalf("error message does not name the problem:\n%s", msg)
	}
	if err := chromedp.Do(ctx, upload(good)); err != nil {
		t.Fatal(err)
	}
	if got := text(ctx, t, "#import-result"); !strings.Contains(got, "good.xlsx") {
		t.Fatalf("import result = %q", got)
	}
}

func writeBuildings(t *testing.T, path, estateCode, floors string) {
	t.Helper()
	writeXLSX(t, path, [][]any{{"小区编码", "楼栋号", "层数", "建成年份"}, {estateCode, "E2E-1", floors, 1990}})
}

// writeXLSX writes rows, the header first, to the first sheet of a new
// xlsx file.
func writeXLSX(t *testing.T, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestResidentRedeemsInvitation: an officer prints an invitation for an
// owner; the owner opens an account with it and sees only their dwelling.
func TestResidentRedeemsInvitation(t *testing.T) {
	officer := browser(t)
	if err := chromedp.Do(officer, signIn("community", "huanxin2026"),
		chromedp.Navigate(baseURL+"/estates"), chromedp.WaitVisible(chromedp.CSS(`#estate-table`)),
		loaded(chromedp.Click(chromedp.CSS(`#estate-table tbody tr td:nth-child(2) a`))),
		chromedp.WaitVisible(chromedp.CSS(`#part-table`))); err != nil {
		t.Fatal(err)
	}
	owner, err := chromedp.Run(officer,
		chromedp.Evaluate[string](`document.querySelector('#part-table form.inline').parentElement.childNodes[0].textContent.trim()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(officer,
		loaded(chromedp.Click(chromedp.CSS(`#part-table form.inline button`))),
		chromedp.WaitVisible(chromedp.CSS(`.invite-code`))); err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindString(text(officer, t, ".invite-code"))
	if code == "" {
		t.Fatalf("no invitation code on the printed page: %q", text(officer, t, ".invite-code"))
	}
	resident := browser(t)
	if err := chromedp.Do(resident,
		chromedp.Navigate(baseURL+"/redeem"), chromedp.WaitVisible(chromedp.CSS(`#f-code`)),
		chromedp.SendKeys(chromedp.CSS(`#f-code`), code),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "e2e-owner"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "owner-pass-1"),
		chromedp.SendKeys(chromedp.CSS(`#f-password2`), "owner-pass-1"),
		loaded(chromedp.Submit(chromedp.CSS(`#f-password2`))),
		chromedp.WaitVisible(chromedp.CSS(`section.card h2`))); err != nil {
		t.Fatal(err)
	}
	page := text(resident, t, "main")
	if !strings.Contains(page, owner) {
		t.Fatalf("my home does not show the owner %q:\n%s", owner, page)
	}
	// Only their own dwellings: the officers' list is not theirs to see.
	if err := chromedp.Do(resident, chromedp.Navigate(baseURL+"/estates/999999")); err != nil {
		t.Fatal(err)
	}
	status := text(resident, t, "main h1")
	if !strings.Contains(status, "404") {
		t.Fatalf("resident reading another estate: %q", status)
	}
	// Only the resident's own menu: their home, notices, inbox, votes,
	// requests, questionnaires, meetings and cost shares — no officer pages.
	menu, err := chromedp.Run(resident, chromedp.Evaluate[string](`[...document.querySelectorAll('nav.side a')].map(a => a.getAttribute('href')).join(' ')`))
	if err != nil || menu != "/my /notices /inbox /vote /my/requests /answer /meetings /my/shares" {
		t.Fatalf("resident menu = %q, %v", menu, err)
	}
}
