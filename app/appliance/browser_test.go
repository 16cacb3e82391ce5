package appliance_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"px360/app/appliance"
	"px360/app/demo"
)

const (
	adminEmail     = "admin@px360.demo"
	browserTimeout = 90 * time.Second // all the browser does, its start included
	waitTimeout    = 10 * time.Second // one wait for an element
)

// TestBrowser runs the real appliance (demo data, in-process server) and drives it
// with headless Chromium the way a person would. It proves that the server-rendered
// pages work in a real browser under the real middleware (CSP, cookies, cross-origin
// protection): a wrong password is refused with a message and no redirect, the right
// one signs in, the language switch turns the page Arabic and right-to-left and back,
// and a form with missing fields comes back with field errors, an error summary, and
// the user's input kept.
func TestBrowser(t *testing.T) {
	chromium := findChromium(t)
	_, base, _ := startAppliance(t, true)
	b := newBrowser(t, chromium)

	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"wrong password", func(t *testing.T) {
			b.do(t,
				chromedp.Navigate(base+"/login"),
				chromedp.WaitVisible(chromedp.CSS("#email")),
				chromedp.SendKeys(chromedp.CSS("#email"), adminEmail),
				chromedp.SendKeys(chromedp.CSS("#password"), "not-"+demo.Password),
			)
			if status := b.load(t, chromedp.Submit(chromedp.CSS("#password"))); status != 401 {
				t.Errorf("status = %d, want 401", status)
			}
			b.waitVisible(t, "div.alert[role=alert]")
			if got := b.text(t, "div.alert[role=alert]"); !strings.Contains(got, "not correct") {
				t.Errorf("alert = %q, want it to contain %q", got, "not correct")
			}
			if got := b.path(t); got != "/login" {
				t.Errorf("path = %q, want /login", got)
			}
			if got := b.value(t, "#email"); got != adminEmail {
				t.Errorf("e-mail field = %q, want the typed %q kept", got, adminEmail)
			}
		}},
		{"sign in", func(t *testing.T) {
			b.do(t,
				chromedp.WaitVisible(chromedp.CSS("#password")),
				chromedp.SetValue(chromedp.CSS("#email"), adminEmail),
				chromedp.SendKeys(chromedp.CSS("#password"), demo.Password),
			)
			if status := b.load(t, chromedp.Click(chromedp.CSS("form.form button[type=submit]"))); status != 200 {
				t.Errorf("status = %d, want 200", status)
			}
			if got := b.path(t); got != "/" {
				t.Fatalf("path = %q, want /", got)
			}
			b.waitVisible(t, "main h1")
			if got := b.text(t, "main h1"); !strings.Contains(got, "Welcome") {
				t.Errorf("h1 = %q, want it to contain %q", got, "Welcome")
			}
			// app.js marks the document; without it the CSP (or a broken asset URL) stopped the script.
			if !eval[bool](t, b, `document.documentElement.classList.contains("js")`) {
				t.Error(`<html> has no class "js": app.js did not run`)
			}
		}},
		{"arabic and back", func(t *testing.T) {
			b.switchLanguage(t)
			if got := b.direction(t); got != (direction{Dir: "rtl", Lang: "ar"}) {
				t.Fatalf("after the switch to Arabic: %+v, want dir=rtl lang=ar", got)
			}
			if got := b.path(t); got != "/" {
				t.Errorf("path = %q, want / (the switch returns to the page)", got)
			}
			if got := b.text(t, "main h1"); !strings.Contains(got, "مرحباً") {
				t.Errorf("h1 = %q, want the Arabic welcome %q", got, "مرحباً")
			}
			b.screenshot(t, "px360-home-ar.png")

			b.switchLanguage(t)
			if got := b.direction(t); got != (direction{Dir: "ltr", Lang: "en"}) {
				t.Fatalf("after the switch back: %+v, want dir=ltr lang=en", got)
			}
		}},
		{"department form errors", func(t *testing.T) {
			const code = "QA-BR1"
			b.do(t, chromedp.Navigate(base+"/admin/departments/new"))
			b.waitVisible(t, "#f-hospital_id")
			hospital := b.attr(t, `#f-hospital_id option:not([value=""])`, "value")
			category := b.attr(t, `#f-category option:not([value=""])`, "value")
			if hospital == "" || category == "" {
				t.Fatalf("no options to choose: hospital %q, category %q", hospital, category)
			}
			// Both names stay as the new form shows them: empty. (chromedp's
			// SetValue cannot set "": the empty argument is dropped and the
			// field gets "undefined".)
			for _, sel := range []string{"#f-name_en", "#f-name_ar"} {
				if got := b.value(t, sel); got != "" {
					t.Fatalf("%s = %q on a new form, want empty", sel, got)
				}
			}
			b.do(t,
				chromedp.SetValue(chromedp.CSS("#f-hospital_id"), hospital),
				chromedp.SendKeys(chromedp.CSS("#f-code"), code),
				chromedp.SetValue(chromedp.CSS("#f-category"), category),
			)
			if status := b.load(t, chromedp.Click(chromedp.CSS("main .form-actions button[type=submit]"))); status != 422 {
				t.Errorf("status = %d, want 422", status)
			}
			if got := b.path(t); got != "/admin/departments" {
				t.Errorf("path = %q, want /admin/departments (the form posted back)", got)
			}

			b.waitVisible(t, ".error-summary[role=alert]")
			b.waitVisible(t, ".error-summary a[href='#f-name_en']")
			b.waitVisible(t, ".field.has-error #f-name_en")
			b.waitVisible(t, "#f-name_en-error")
			if got := b.text(t, "#f-name_en-error"); got != "This field is required." {
				t.Errorf("#f-name_en-error = %q, want %q", got, "This field is required.")
			}
			if got := b.attr(t, "#f-name_en", "aria-invalid"); got != "true" {
				t.Errorf("#f-name_en aria-invalid = %q, want true", got)
			}
			if got := b.attr(t, "#f-name_en", "aria-describedby"); !strings.Contains(got, "f-name_en-error") {
				t.Errorf("#f-name_en aria-describedby = %q, want it to name f-name_en-error", got)
			}
			if got := b.value(t, "#f-code"); got != code {
				t.Errorf("code = %q, want the typed %q kept", got, code)
			}
			if got := b.value(t, "#f-hospital_id"); got != hospital {
				t.Errorf("hospital = %q, want the chosen %q kept", got, hospital)
			}
			if got := b.value(t, "#f-category"); got != category {
				t.Errorf("category = %q, want the chosen %q kept", got, category)
			}
			if !eval[bool](t, b, `document.activeElement === document.querySelector(".error-summary")`) {
				t.Error("focus is not on the error summary")
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			return // each step starts where the one before left the browser
		}
	}
}

// findChromium returns the browser to drive. Without one the test is skipped,
// except in CI, where a missing browser must not pass silently.
func findChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required in CI")
	}
	t.Skip("chromium not found; install it to run the browser test")
	return ""
}

// startAppliance opens a fresh data directory (with the demo data when demo is true),
// serves it on a free local port, and returns the appliance — so a test can prepare data
// through its services — the base URL and the data directory. Cleanup stops the server
// and closes.
func startAppliance(t *testing.T, demo bool) (a *appliance.App, base, dir string) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	dir = t.TempDir()
	a, err := appliance.Open(ctx, appliance.Config{DataDir: dir, Version: "test", BackupAt: "off", Log: log})
	if err != nil {
		stop()
		t.Fatal(err)
	}
	var served chan error // set once the server runs
	t.Cleanup(func() {
		stop()
		if served != nil {
			if err := <-served; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if demo {
		if err := a.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served = make(chan error, 1)
	ready := make(chan struct{})
	go func() { served <- a.ServeListener(ctx, ln, func(string) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-served:
		served <- nil // already reported; Cleanup must not wait for it again
		t.Fatalf("the server did not start: %v", err)
	}
	return a, "http://" + ln.Addr().String(), dir
}

// browser is one headless Chromium tab.
type browser struct{ ctx context.Context }

func newBrowser(t *testing.T, execPath string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// Close the tab, then wait for the browser to exit before its profile
	// directory (a t.TempDir made earlier) is removed.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil { // start the browser under the overall timeout only
		t.Fatalf("start %s: %v", execPath, err)
	}
	return &browser{ctx: ctx}
}

// do runs actions, failing the test on the first error.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// load runs an action that navigates (a click on a submit button), waits until
// the new page has loaded, and returns its HTTP status (after redirects).
func (b *browser) load(t *testing.T, action chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, action)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Status
}

// waitVisible waits a bounded time for sel, so a missing element fails with its
// selector instead of using up the whole test's timeout.
func (b *browser) waitVisible(t *testing.T, sel string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s is not visible after %v", sel, waitTimeout)
		}
		t.Fatalf("wait for %s: %v", sel, err)
	}
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(run(t, b, chromedp.Text(chromedp.CSS(sel))))
}

func (b *browser) value(t *testing.T, sel string) string {
	t.Helper()
	return run(t, b, chromedp.Value(chromedp.CSS(sel)))
}

// attr returns attribute name of sel, failing if the element lacks it.
func (b *browser) attr(t *testing.T, sel, name string) string {
	t.Helper()
	res := run(t, b, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if !res.Exists {
		t.Fatalf("%s has no attribute %s", sel, name)
	}
	return res.Value
}

// path is the path of the page's URL.
func (b *browser) path(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(run(t, b, chromedp.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// switchLanguage submits the language switch in the top bar, as a click.
func (b *browser) switchLanguage(t *testing.T) {
	t.Helper()
	b.waitVisible(t, "form.lang-switch button.link")
	if status := b.load(t, chromedp.Click(chromedp.CSS("form.lang-switch button.link"))); status != 200 {
		t.Fatalf("language switch: status %d, want 200", status)
	}
}

type direction struct {
	Dir  string `json:"dir"`
	Lang string `json:"lang"`
}

func (b *browser) direction(t *testing.T) direction {
	t.Helper()
	return eval[direction](t, b, `({dir: document.documentElement.dir, lang: document.documentElement.lang})`)
}

// screenshot saves the whole page to os.TempDir()/name when PX360_SCREENSHOTS is
// set, for a person to look at. It asserts nothing.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("PX360_SCREENSHOTS") == "" {
		return
	}
	png := run(t, b, chromedp.FullScreenshot(100))
	file := filepath.Join(os.TempDir(), name)
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

func run[T any](t *testing.T, b *browser, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, action)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	return run(t, b, chromedp.Evaluate[T](js))
}
