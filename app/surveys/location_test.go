package surveys_test

import (
	"bytes"
	"errors"
	"image/png"
	"regexp"
	"testing"

	"px360/app"
)

func TestLocations(t *testing.T) {
	e := newStaffEnv(t)
	ward := e.template(t, "Ward feedback (anonymous)")
	general := e.template(t, "Inpatient experience")

	loc, err := e.svc.SaveLocation(e.ctx, e.adminA, app.SurveyLocation{HospitalID: e.hospA.ID, DepartmentID: e.deptA.ID,
		Family: ward.Family, NameEN: "Ward 3", NameAR: "الجناح 3", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[a-z2-7]{10}$`).MatchString(loc.Code) || loc.ID == 0 {
		t.Errorf("new link: %+v", loc)
	}
	if got := e.svc.LocationURL(e.ctx, loc); got != "https://px.example/w/"+loc.Code {
		t.Errorf("url %q", got)
	}
	// An edit keeps the code (posters already printed stay valid).
	loc.NameEN, loc.Kiosk, loc.Code = "Ward 3 East", true, "changed123"
	edited, err := e.svc.SaveLocation(e.ctx, e.adminA, loc)
	if err != nil {
		t.Fatal(err)
	}
	if back, _ := e.svc.Location(e.ctx, e.adminA, loc.ID); back.Code != edited.Code || back.Code == "changed123" || !back.Kiosk ||
		back.NameEN != "Ward 3 East" {
		t.Errorf("after the edit: %+v", back)
	}
	// The anonymous survey starts from the link.
	if _, err := e.svc.StartAnonymous(e.ctx, edited.Code); err != nil {
		t.Errorf("start from the link: %v", err)
	}

	img, err := e.svc.QR(e.ctx, e.adminA, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width < 200 || cfg.Width != cfg.Height {
		t.Errorf("QR code: %+v %v", cfg, err)
	}
	poster, err := e.svc.Poster(e.ctx, e.adminA, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(poster, []byte("%PDF-")) {
		t.Errorf("poster is not a PDF: %q", poster[:min(len(poster), 16)])
	}

	for _, c := range []struct {
		name  string
		l     app.SurveyLocation
		field string
		msg   string
	}{
		{"a general template", app.SurveyLocation{HospitalID: e.hospA.ID, Family: general.Family, NameEN: "x", NameAR: "س"}, "family", "err.survey_location_template"},
		{"another hospital", app.SurveyLocation{HospitalID: e.hospB.ID, Family: ward.Family, NameEN: "x", NameAR: "س"}, "hospital_id", "err.hospital_not_allowed"},
		{"a department of another hospital", app.SurveyLocation{HospitalID: e.hospA.ID, DepartmentID: e.deptB.ID, Family: ward.Family, NameEN: "x", NameAR: "س"}, "department_id", "err.department_not_in_hospital"},
		{"no name", app.SurveyLocation{HospitalID: e.hospA.ID, Family: ward.Family}, "name_ar", "err.required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.SaveLocation(e.ctx, e.adminA, c.l)
			if got := app.Fields(err)[c.field]; got != c.msg {
				t.Errorf("%s: %v", c.field, err)
			}
		})
	}
	// Other hospitals' links are not found; viewers may not manage links.
	adminB := app.Principal{Role: app.RoleHospitalAdmin, Scope: app.Scope{HospitalIDs: []int64{e.hospB.ID}}}
	if _, err := e.svc.QR(e.ctx, adminB, loc.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("hospital B's admin: %v", err)
	}
	if _, err := e.svc.Locations(e.ctx, e.viewerA); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("viewer: %v", err)
	}
	if ls, err := e.svc.Locations(e.ctx, adminB); err != nil || len(ls) != 0 {
		t.Errorf("hospital B's list: %v %v", ls, err)
	}
}
