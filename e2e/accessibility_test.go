package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huanxin/huanxin"
)

// axeScript is axe-core (axe.min.js), read in TestMain from the file named
// by HUANXIN_AXE; .ci/run installs it from the npm registry. Empty when it
// is not installed on a developer's machine: axe-core's checks are then
// not run (the tap-target check still is).
var axeScript string

// loadAxe reads axe-core for the accessibility checks. In CI a missing
// axe-core fails the suite, as a missing Chromium does.
func loadAxe() error {
	const hint = "npm install --no-save --prefix ~/.cache/huanxin-axe axe-core@4, then HUANXIN_AXE=~/.cache/huanxin-axe/node_modules/axe-core/axe.min.js"
	path := os.Getenv("HUANXIN_AXE")
	if path == "" {
		if os.Getenv("CI") != "" {
			return fmt.Errorf("CI is set but HUANXIN_AXE is not (%s)", hint)
		}
		fmt.Println("e2e: HUANXIN_AXE not set; axe-core's accessibility checks not run (" + hint + ")")
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("axe-core: %w", err)
	}
	axeScript = string(b)
	return nil
}

// axeRun runs axe-core on the page with the WCAG 2.x A and AA rules and
// the best practices, and returns one line per node of every serious or
// critical violation.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})
	.then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.flatMap(v => v.nodes.map(n => v.impact + ' ' + v.id + ' (' + v.help + '): ' + n.target.join(' ') + ' — ' + n.failureSummary.replace(/\s+/g, ' '))))`

// smallTargets lists, on resident pages, what a finger taps that is
// smaller than 44 × 44 CSS px (适老化: large tap targets): links, buttons,
// fields, and the labels of check boxes and radio buttons (their tap
// target). Links within a sentence or a line of text are exempt, as in
// WCAG 2.5.5 (links side by side with only "·" between them are not); so
// is the skip link, which shows only on keyboard focus.
const smallTargets = `(() => {
	if (!document.body.classList.contains('resident')) return [];
	const choice = 'input[type=checkbox], input[type=radio]';
	const inText = e => {
		if (e.tagName !== 'A') return false;
		const block = e.parentElement.closest('p, li, dd, td, th, figcaption');
		if (!block) return false;
		const rest = block.cloneNode(true);
		rest.querySelectorAll('a').forEach(a => a.remove());
		return /[\p{L}\p{N}]/u.test(rest.textContent);   // words around it, not only "·" between links
	};
	return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, label')]
		.filter(e => !e.matches('.skip, ' + choice) && e.checkVisibility())
		.filter(e => e.tagName !== 'LABEL' || e.querySelector(choice) || (e.control && e.control.matches(choice)))
		.filter(e => !inText(e))
		.map(e => [e, e.getBoundingClientRect()])
		.filter(([e, r]) => r.width < 44 || r.height < 44)
		.map(([e, r]) => 'tap target ' + Math.round(r.width) + '×' + Math.round(r.height) + ' px: ' +
			e.outerHTML.replace(/\s+/g, ' ').slice(0, 120));
})()`

// accessible checks the page the browser shows with audit, as it is and in
// the other text size (large text, 适老化, or normal). It leaves the
// browser on the same page in the text size it had. Only for pages reached
// by GET.
func accessible(ctx context.Context, t *testing.T) {
	t.Helper()
	audit(ctx, t)
	here, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Fatal(err)
	}
	big, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.body.classList.contains('big')`))
	if err != nil {
		t.Fatal(err)
	}
	toggle := func(on bool) {
		t.Helper()
		v, want := "0", `body:not(.big)`
		if on {
			v, want = "1", `body.big`
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+"/bigtext?on="+v+"&back="+url.QueryEscape(here)),
			chromedp.WaitReady(chromedp.CSS(want))); err != nil {
			t.Fatal(err)
		}
	}
	toggle(!big)
	audit(ctx, t)
	toggle(big)
}

// audit checks the current page only: its tap targets, and with axe-core
// when it is installed. It fails the test on any serious or critical
// violation and on every tap target that is too small.
func audit(ctx context.Context, t *testing.T) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](smallTargets))
	if err != nil {
		t.Fatalf("measuring tap targets: %v", err)
	}
	if axeScript != "" {
		// The script defines window.axe; a page keeps it until it navigates.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.axe || (() => {`+"\n"+axeScript+"\n"+`})()`)); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
		violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("running axe-core: %v", err)
		}
		problems = append(problems, violations...)
	}
	if len(problems) > 0 {
		where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search + (document.body.classList.contains('big') ? ' (large text)' : '')`))
		t.Errorf("accessibility of %s:\n%s", where, strings.Join(problems, "\n"))
	}
}

// TestResidentPagesAccessible: the demo resident on a phone goes through
// the pages of the resident's menu, and an estate's representatives,
// meetings and a meeting the community officer has just recorded; each
// passes the checks in normal and in large text. The pages made by other
// tests (a notice with objections, questionnaires, a complaint with its
// answer and the FAQ, a vote and its receipt, cost shares) are checked
// there.
func TestResidentPagesAccessible(t *testing.T) {
	officer, ctx := browser(t), phone(t)
	estate := sharedEstate(t, officer, ctx)
	if err := chromedp.Do(officer, chromedp.Navigate(baseURL+"/estates/"+estate+"/meetings"), chromedp.WaitVisible(chromedp.CSS(`#mt-title`)),
		chromedp.SendKeys(chromedp.CSS(`#mt-title`), "加装电梯坝坝会"),
		chromedp.SetValue(chromedp.CSS(`#mt-at`), time.Now().In(huanxin.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly)+"T19:00"),
		chromedp.SendKeys(chromedp.CSS(`#mt-place`), "3幢楼下"),
		chromedp.SetValue(chromedp.CSS(`#mt-agenda`), "电梯方案介绍\n费用分摊"),
		loaded(chromedp.Submit(chromedp.CSS(`#mt-title`)))); err != nil {
		t.Fatal(err)
	}
	meeting, err := chromedp.Run(officer, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !regexp.MustCompile(`^/meetings/\d+$`).MatchString(meeting) {
		t.Fatalf("after recording the meeting: %q %v\n%s", meeting, err, text(officer, t, "main"))
	}
	for _, path := range []string{"/my", "/notices", "/inbox", "/inbox/preferences", "/vote", "/receipt",
		"/my/requests", "/requests/new", "/answer", "/my/shares", "/meetings",
		"/estates/" + estate + "/representatives", "/estates/" + estate + "/meetings", meeting} {
		if err := chromedp.Do(ctx, chromedp.Navigate(baseURL+path), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		accessible(ctx, t)
	}
	if got := text(ctx, t, "main"); !strings.Contains(got, "加装电梯坝坝会") || !strings.Contains(got, "费用分摊") {
		t.Fatalf("the resident's view of the meeting:\n%s", got)
	}
}
