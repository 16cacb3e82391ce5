package appliance_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"px360/app"
	"px360/app/demo"
)

func TestZZActionShots(t *testing.T) {
	chromium := findChromium(t)
	a, base := startActionAppliance(t)
	act := prepareAction(t, a)
	ctx := context.Background()
	u, _, _ := a.Store.UserByEmail(ctx, "admin@px360.demo")
	p := app.PrincipalOf(u, "")
	h, _ := a.Store.HospitalByCode(ctx, app.System.Scope, "RCH")
	r, err := a.Actions.SaveRCA(ctx, p, app.RCA{HospitalID: h.ID, Title: "Medication delays", Problem: "Doses late", Likelihood: 4, Impact: 4,
		RootCauses: []app.RootCause{{Category: "process", Text: "No double check", Whys: []string{"busy", "understaffed"}}},
		CorrectiveActions: []app.CorrectiveAction{{Text: "Second pharmacist", OwnerUserID: u.ID}}, Links: []app.RCALink{{Type: "complaint", ID: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, chromium)
	b.do(t, chromedp.EmulateViewport(1280, 900))
	b.do(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@px360.demo"), chromedp.SendKeys(chromedp.CSS("#password"), demo.Password))
	b.load(t, chromedp.Submit(chromedp.CSS("#password")))
	for i, path := range []string{fmt.Sprintf("/actions/%d", act.ID), "/actions", fmt.Sprintf("/rcas/%d", r.ID), fmt.Sprintf("/rcas/%d/report", r.ID), "/admin/routing", "/my-work", "/actions/new", fmt.Sprintf("/admin/routing/settings/%d", h.ID)} {
		b.load(t, chromedp.Navigate(base+path))
		b.screenshot(t, fmt.Sprintf("zz-act-%d.png", i))
	}
	b.switchLanguage(t)
	b.load(t, chromedp.Navigate(base+fmt.Sprintf("/actions/%d", act.ID)))
	b.screenshot(t, "zz-act-ar.png")
}
