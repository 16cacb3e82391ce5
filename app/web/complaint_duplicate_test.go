package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"px360/app"
	"px360/app/accounts"
)

// dupForm is a staff intake form with a phone number no demo complaint uses.
func dupForm(e *env, description string) url.Values {
	form := complaintForm(e.hospA)
	form.Set("contact_phone", "0557654321")
	form.Set("description", description)
	return form
}

func TestPossibleDuplicatesAreShownAndMerged(t *testing.T) {
	e := newEnv(t)
	c := e.login(app.RoleHospitalAdmin)
	first := e.createByPage(c, dupForm(e, "The pharmacy gave me the wrong dose."))
	second := e.createByPage(c, dupForm(e, "Wrong medicine dose from the pharmacy, again."))
	path := fmt.Sprintf("/complaints/%d", second.ID)

	page := e.get(c, path)
	for _, want := range []string{"Possible duplicates", first.TrackingCode, "Same phone", "Complaint recorded.",
		`action="` + path + `/merge"`, `name="duplicate_id" value="` + strconv.FormatInt(first.ID, 10) + `"`,
		`action="/complaints/` + strconv.FormatInt(first.ID, 10) + `/merge"`, `data-confirm="Merge `} {
		if !strings.Contains(page.body, want) {
			t.Errorf("record page lacks %q", want)
		}
	}

	t.Run("a viewer sees the duplicates but cannot merge", func(t *testing.T) {
		r := e.get(e.login(app.RoleViewer), path)
		if r.status != 200 || !strings.Contains(r.body, first.TrackingCode) || strings.Contains(r.body, "/merge") {
			t.Fatalf("status %d, lists %v, merge form %v", r.status, strings.Contains(r.body, first.TrackingCode), strings.Contains(r.body, "/merge"))
		}
		if r := e.post(e.login(app.RoleViewer), path+"/merge", url.Values{"duplicate_id": {strconv.FormatInt(first.ID, 10)}}); r.status != 403 {
			t.Fatalf("viewer merge: %d", r.status)
		}
	})

	t.Run("another hospital's admin gets 404 and changes nothing", func(t *testing.T) {
		_, err := e.a.Accounts.CreateUser(t.Context(), app.System, accounts.UserInput{Email: "admin.b@px360.demo", Name: "Admin B",
			Role: app.RoleHospitalAdmin, HospitalIDs: []int64{e.hospB.ID}, Password: "hospital b admin password", Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		b := e.client()
		if r := e.post(b, "/login", url.Values{"email": {"admin.b@px360.demo"}, "password": {"hospital b admin password"}}); r.status != http.StatusSeeOther {
			t.Fatalf("login B: %d", r.status)
		}
		if r := e.post(b, path+"/merge", url.Values{"duplicate_id": {strconv.FormatInt(first.ID, 10)}}); r.status != 404 {
			t.Fatalf("merge by hospital B's admin: %d", r.status)
		}
		if e.complaint(first.ID).MergedInto != 0 {
			t.Fatal("hospital B's admin merged a complaint")
		}
	})

	t.Run("a refused merge answers 409 with its message", func(t *testing.T) {
		r := e.post(c, path+"/merge", url.Values{"duplicate_id": {strconv.FormatInt(second.ID, 10)}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "cannot be merged into itself") {
			t.Fatalf("self merge: %d %.300s", r.status, r.body)
		}
		if r := e.post(c, path+"/merge", url.Values{"duplicate_id": {"abc"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `role="alert"`) {
			t.Fatalf("bad duplicate id: %d", r.status)
		}
	})

	t.Run("merging combines the complaints", func(t *testing.T) {
		r := e.post(c, path+"/merge", url.Values{"duplicate_id": {strconv.FormatInt(first.ID, 10)}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != path {
			t.Fatalf("merge: %d %q", r.status, r.header.Get("Location"))
		}
		got := e.complaint(first.ID)
		if got.MergedInto != second.ID || got.Status != app.StatusCancelled {
			t.Fatalf("merged complaint: merged into %d, %s", got.MergedInto, got.Status)
		}
		survivor := e.get(c, path)
		if !strings.Contains(survivor.body, "Complaints merged.") || strings.Contains(survivor.body, "Possible duplicates") {
			t.Error("the survivor's page lacks the flash or still offers the merged complaint")
		}
		merged := e.get(c, fmt.Sprintf("/complaints/%d", first.ID))
		if !strings.Contains(merged.body, "This complaint was merged into") || !strings.Contains(merged.body, second.TrackingCode) {
			t.Error("the merged complaint's page does not name the survivor")
		}
		track := e.get(e.client(), "/track?code="+url.QueryEscape(first.TrackingCode))
		if track.status != 200 || !strings.Contains(track.body, "دُمجت شكواك") || strings.Contains(track.body, second.TrackingCode) {
			t.Errorf("tracking the merged complaint: %d", track.status)
		}
	})
}
