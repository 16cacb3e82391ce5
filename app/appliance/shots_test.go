package appliance_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"px360/app/demo"
)

func TestShots(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	chromium := findChromium(t)
	base := startAppliance(t)
	b := newBrowser(t, chromium)
	b.do(t, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")))
	b.screenshot(t, "s-login.png")
	b.do(t, chromedp.SendKeys(chromedp.CSS("#email"), adminEmail), chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	b.load(t, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
	for _, p := range []string{"/", "/admin/patients", "/admin/staff/new", "/admin/users", "/admin/system", "/account"} {
		b.do(t, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main")))
		b.screenshot(t, "s-"+map[string]string{"/": "home", "/admin/patients": "patients", "/admin/staff/new": "staffnew", "/admin/users": "users", "/admin/system": "system", "/account": "account"}[p]+".png")
	}
	b.switchLanguage(t)
	b.do(t, chromedp.Navigate(base+"/admin/patients"), chromedp.WaitVisible(chromedp.CSS("main")))
	b.screenshot(t, "s-patients-ar.png")
	b.do(t, chromedp.Navigate(base+"/admin/departments/new"), chromedp.WaitVisible(chromedp.CSS("main")))
	b.load(t, chromedp.Click(chromedp.CSS("form.form button[type=submit]")))
	b.screenshot(t, "s-depterr-ar.png")
}
