package appliance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"px360/app/web"
)

// TestBrowserSetupWizard installs nothing but starts PX360 on an empty data directory,
// as the first start after an install does, and walks the first-run wizard in
// headless Chromium: every page leads to /setup, a mistake (the passwords differ) comes
// back with the error beside the field and the rest of the input kept, the corrected
// form signs the new PX admin in on the dashboard, and /setup is then gone (404).
func TestBrowserSetupWizard(t *testing.T) {
	chromium := findChromium(t)
	_, base, dir := startAppliance(t, false)
	if _, err := os.Stat(filepath.Join(dir, web.SetupCodeFile)); err != nil {
		t.Fatalf("serve wrote no setup code: %v", err)
	}
	b := newBrowser(t, chromium)
	const (
		org      = "Gulf Care Group"
		email    = "noura@gulfcare.example"
		password = "a long good password"
	)

	steps := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"every page leads to the wizard", func(t *testing.T) {
			if status := b.load(t, chromedp.Navigate(base+"/complaints")); status != 200 {
				t.Errorf("status = %d, want 200", status)
			}
			if got := b.path(t); got != "/setup" {
				t.Fatalf("path = %q, want /setup", got)
			}
			b.waitVisible(t, "main h1")
			if got := b.text(t, "main h1"); got != "Set up PX360" {
				t.Errorf("h1 = %q", got)
			}
			if got := b.value(t, "#f-hospital_time_zone"); got != "Asia/Riyadh" {
				t.Errorf("time zone = %q, want Asia/Riyadh by default", got)
			}
			if !eval[bool](t, b, `document.querySelector("input[name=weekend][value='5']").checked && document.querySelector("input[name=weekend][value='6']").checked`) {
				t.Error("Friday and Saturday are not the default weekend")
			}
		}},
		{"passwords differ", func(t *testing.T) {
			b.do(t,
				chromedp.SendKeys(chromedp.CSS("#f-org_name_en"), org),
				chromedp.SetValue(chromedp.CSS("#f-org_name_ar"), "مجموعة الخليج للرعاية"),
				chromedp.SendKeys(chromedp.CSS("#f-hospital_code"), "GCH"),
				chromedp.SendKeys(chromedp.CSS("#f-hospital_name_en"), "Gulf Care Hospital"),
				chromedp.SetValue(chromedp.CSS("#f-hospital_name_ar"), "مستشفى الخليج للرعاية"),
				chromedp.SetValue(chromedp.CSS("#f-hospital_time_zone"), "Asia/Dubai"),
				chromedp.SendKeys(chromedp.CSS("#f-admin_name"), "Noura Admin"),
				chromedp.SendKeys(chromedp.CSS("#f-admin_email"), email),
				chromedp.SendKeys(chromedp.CSS("#f-admin_password"), password),
				chromedp.SendKeys(chromedp.CSS("#f-admin_password2"), password+"!"),
			)
			b.screenshot(t, "px360-setup.png")
			if status := b.load(t, chromedp.Click(chromedp.CSS("#setup-finish"))); status != 422 {
				t.Errorf("status = %d, want 422", status)
			}
			if got := b.path(t); got != "/setup" {
				t.Errorf("path = %q, want /setup", got)
			}
			b.waitVisible(t, ".error-summary[role=alert]")
			b.waitVisible(t, "#f-admin_password2-error")
			if got := b.text(t, "#f-admin_password2-error"); got != "The two passwords are not the same." {
				t.Errorf("error = %q", got)
			}
			if got := b.attr(t, "#f-admin_password2", "aria-invalid"); got != "true" {
				t.Errorf("aria-invalid = %q, want true", got)
			}
			for sel, want := range map[string]string{"#f-org_name_en": org, "#f-hospital_code": "GCH",
				"#f-hospital_time_zone": "Asia/Dubai", "#f-admin_email": email, "#f-admin_password": ""} {
				if got := b.value(t, sel); got != want {
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
		}},
		{"corrected, signed in", func(t *testing.T) {
			b.do(t,
				chromedp.SendKeys(chromedp.CSS("#f-admin_password"), password),
				chromedp.SendKeys(chromedp.CSS("#f-admin_password2"), password),
			)
			if status := b.load(t, chromedp.Click(chromedp.CSS("#setup-finish"))); status != 200 {
				t.Errorf("status = %d, want 200", status)
			}
			if got := b.path(t); got != "/" {
				t.Fatalf("path = %q, want / (the dashboard)", got)
			}
			b.waitVisible(t, "main h1")
			if got := b.text(t, "main h1"); !strings.Contains(got, "Noura Admin") {
				t.Errorf("h1 = %q, want the new admin welcomed", got)
			}
			if got := b.text(t, ".flash"); !strings.Contains(got, "PX360 is set up") {
				t.Errorf("flash = %q", got)
			}
		}},
		{"the wizard is gone", func(t *testing.T) {
			if status := b.load(t, chromedp.Navigate(base+"/setup")); status != 404 {
				t.Errorf("GET /setup after the setup: status %d, want 404", status)
			}
			if _, err := os.Stat(filepath.Join(dir, web.SetupCodeFile)); !os.IsNotExist(err) {
				t.Errorf("the setup code file is still there: %v", err)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.fn) {
			return
		}
	}
}
