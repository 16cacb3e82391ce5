package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"px360/app"
	"px360/app/his"
	"px360/app/hl7"
	"px360/store"
)

// integration creates an enabled integration tied to hospital code ("" for none) and
// returns it with its API key.
func (e *env) integration(name string, kind app.IntegrationKind, hospital string) (app.Integration, string) {
	e.t.Helper()
	in, key, err := e.a.HIS.SaveIntegration(context.Background(), app.System, 0, his.IntegrationInput{Name: name, Kind: kind,
		HospitalCode: hospital, Enabled: true}, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return in, key
}

// sendEvents posts a JSON batch with an API key in the given header.
func (e *env) sendEvents(header, key string, body string) response {
	e.t.Helper()
	h := http.Header{"Content-Type": {"application/json"}}
	switch header {
	case "bearer":
		h.Set("Authorization", "Bearer "+key)
	case "x-api-key":
		h.Set("X-API-Key", key)
	}
	return e.do(e.client(), "POST", "/api/v1/integrations/events", strings.NewReader(body), h)
}

func batch(events ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"events": events})
	return string(b)
}

// messages returns every logged HIS message, newest first.
func (e *env) hisMessages() []app.InboundMessage {
	e.t.Helper()
	p, err := e.a.HIS.Messages(context.Background(), app.System, app.ListQuery{Limit: 500}, store.InboundFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Items
}

func (e *env) process() {
	e.t.Helper()
	if _, err := e.a.HIS.Process(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

type eventsAnswer struct {
	Results []struct {
		Index     int    `json:"index"`
		Status    string `json:"status"`
		MessageID int64  `json:"message_id"`
		Error     string `json:"error"`
	} `json:"results"`
	Accepted, Duplicates, Errors int
}

func TestHISEventsAPI(t *testing.T) {
	e := newEnv(t)
	_, key := e.integration("Portal", app.IntegrationJSON, "RCH")
	_, hl7Key := e.integration("MEDORA", app.IntegrationHL7, "RCH")
	good := map[string]any{"event_id": "E-1", "type": "A04", "mrn": "WEB-1001", "visit": "V-1", "patient_class": "O",
		"name_en": "Sara Ali", "occurred_at": "2026-03-01T09:30:00+03:00"}

	t.Run("a wrong, missing or foreign key is refused and nothing is stored", func(t *testing.T) {
		for name, r := range map[string]response{
			"wrong key":   e.sendEvents("bearer", "px360_"+strings.Repeat("a", 32), batch(good)),
			"no key":      e.sendEvents("", "", batch(good)),
			"not px360":   e.sendEvents("x-api-key", "secret", batch(good)),
			"session-ish": e.sendEvents("bearer", "", batch(good)),
		} {
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"code":"unauthorized"`) {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
		if r := e.sendEvents("bearer", hl7Key, batch(good)); r.status != http.StatusForbidden || !strings.Contains(r.body, "/api/v1/integrations/hl7") {
			t.Errorf("HL7 integration's key on the JSON endpoint: %d %s", r.status, r.body)
		}
		if n := len(e.hisMessages()); n != 0 {
			t.Errorf("%d messages stored, want none", n)
		}
	})

	t.Run("a body that is not a batch is 400 with the reason", func(t *testing.T) {
		for body, want := range map[string]string{`{"events": [`: "not JSON", `{"events": []}`: "events is empty", `[1,2]`: "not JSON"} {
			r := e.sendEvents("bearer", key, body)
			var out struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &out) != nil || out.Error.Code != "invalid" ||
				!strings.Contains(out.Error.Message, want) {
				t.Errorf("%s: %d %s", body, r.status, r.body)
			}
		}
		if n := len(e.hisMessages()); n != 0 {
			t.Errorf("%d messages stored, want none", n)
		}
	})

	t.Run("a mixed batch answers per event and stores the good ones", func(t *testing.T) {
		bad := map[string]any{"event_id": "E-2", "type": "Z99", "mrn": "WEB-1002", "visit": "V-2"}
		other := map[string]any{"event_id": "E-3", "type": "A01", "mrn": "WEB-1003", "visit": "V-3", "patient_class": "I"}
		r := e.sendEvents("x-api-key", key, batch(good, bad, other))
		var out eventsAnswer
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &out) != nil {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if len(out.Results) != 3 || out.Results[0].Status != "accepted" || out.Results[1].Status != "error" ||
			out.Results[2].Status != "accepted" || out.Results[1].Index != 1 || !strings.Contains(out.Results[1].Error, "Z99") ||
			out.Accepted != 2 || out.Errors != 1 || out.Duplicates != 0 {
			t.Fatalf("answer: %s", r.body)
		}
		again := e.sendEvents("bearer", key, batch(good))
		if !strings.Contains(again.body, `"status":"duplicate"`) || !strings.Contains(again.body, `"duplicates":1`) {
			t.Errorf("resent event: %s", again.body)
		}
		e.process()
		ctx := context.Background()
		for _, mrn := range []string{"WEB-1001", "WEB-1003"} {
			if _, err := e.store().PatientByMRN(ctx, e.hospA.ID, mrn); err != nil {
				t.Errorf("patient %s after processing: %v", mrn, err)
			}
		}
		if _, err := e.store().PatientByMRN(ctx, e.hospA.ID, "WEB-1002"); err == nil {
			t.Error("the refused event created a patient")
		}
	})
}

func TestHISHL7OverHTTP(t *testing.T) {
	e := newEnv(t)
	_, key := e.integration("MEDORA", app.IntegrationHL7, "RCH")
	_, jsonKey := e.integration("Portal", app.IntegrationJSON, "RCH")
	raw, err := os.ReadFile(filepath.Join("..", "hl7", "testdata", "adt_a01_inpatient.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	send := func(key string, body []byte) response {
		return e.do(e.client(), "POST", "/api/v1/integrations/hl7", bytes.NewReader(body),
			http.Header{"Content-Type": {"x-application/hl7-v2+er7"}, "Authorization": {"Bearer " + key}})
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"an ADT A01 is accepted", raw, hl7.AckAccept},
		{"the same message again is accepted as a duplicate", raw, hl7.AckAccept},
		{"garbage is rejected", []byte("hello, this is not HL7"), hl7.AckReject},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(key, tc.body)
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "x-application/hl7-v2+er7") {
				t.Fatalf("%d %q %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			code, _, err := hl7.AckCode([]byte(r.body))
			if err != nil || code != tc.want {
				t.Errorf("ACK %q (%v), want %s: %q", code, err, tc.want, r.body)
			}
		})
	}
	if r := send(jsonKey, raw); r.status != http.StatusForbidden {
		t.Errorf("JSON integration's key on the HL7 endpoint: %d %s", r.status, r.body)
	}
	if r := send("px360_nope", raw); r.status != http.StatusUnauthorized {
		t.Errorf("bad key: %d %s", r.status, r.body)
	}
	msgs := e.hisMessages()
	if len(msgs) != 3 || msgs[2].Status != app.InboundReceived || msgs[1].Status != app.InboundDuplicate || msgs[0].Status != app.InboundError {
		t.Errorf("logged: %+v", msgs)
	}
}

func TestVisitsAPI(t *testing.T) {
	e := newEnv(t)
	_, key := e.integration("Portal", app.IntegrationJSON, "")
	r := e.sendEvents("bearer", key, batch(
		map[string]any{"event_id": "1", "type": "A01", "hospital": "RCH", "mrn": "VIS-1", "visit": "VN-1", "patient_class": "I",
			"national_id": "1087654321", "occurred_at": "2026-03-01T09:30:00+03:00"},
		map[string]any{"event_id": "2", "type": "A01", "hospital": "JGH", "mrn": "VIS-2", "visit": "VN-2", "patient_class": "I",
			"occurred_at": "2026-03-01T10:30:00+03:00"},
	))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e.process()
	staff := e.token(app.RoleStaff) // a user of hospital A (RCH)
	type visits struct {
		Items []struct {
			Number, Hospital, State string
			PatientClass            string `json:"patient_class"`
			Events                  []struct{ Event string }
			Journey                 *struct {
				Code     string
				Progress int
				Stages   []struct {
					Code        string
					CompletedAt *string `json:"completed_at"`
				}
			}
		}
	}
	get := func(token, mrn string) (response, visits) {
		r := e.postJSON(e.client(), "GET", "/api/v1/visits?mrn="+url.QueryEscape(mrn), token, nil)
		var out visits
		if r.status == http.StatusOK {
			if err := json.Unmarshal([]byte(r.body), &out); err != nil {
				t.Fatalf("%s: %v", r.body, err)
			}
		}
		return r, out
	}
	t.Run("a user of the hospital sees the visit and its journey", func(t *testing.T) {
		r, out := get(staff, "VIS-1")
		if r.status != http.StatusOK || len(out.Items) != 1 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		v := out.Items[0]
		if v.Hospital != "RCH" || len(v.Events) != 1 || v.Events[0].Event != "A01" || v.Journey == nil || v.Journey.Code != "INPATIENT" ||
			v.Journey.Progress != 50 || len(v.Journey.Stages) != 2 || v.Journey.Stages[0].CompletedAt == nil {
			t.Errorf("visit: %s", r.body)
		}
		if strings.Contains(r.body, "1087654321") || strings.Contains(r.body, "national") {
			t.Errorf("the answer shows a national ID: %s", r.body)
		}
	})
	t.Run("a user of another hospital gets an empty list", func(t *testing.T) {
		r, out := get(staff, "VIS-2")
		if r.status != http.StatusOK || len(out.Items) != 0 || !strings.Contains(r.body, `"items":[]`) {
			t.Errorf("%d %s", r.status, r.body)
		}
		if r, out := get(e.token(app.RolePXAdmin), "VIS-2"); len(out.Items) != 1 || out.Items[0].Hospital != "JGH" {
			t.Errorf("PX admin: %d %s", r.status, r.body)
		}
	})
	t.Run("a missing MRN is 400 with a field error", func(t *testing.T) {
		r, _ := get(staff, "")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"mrn"`) {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
}

var keyPattern = regexp.MustCompile(`px360_[a-z2-7]{32}`)

func TestIntegrationAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.login(app.RolePXAdmin)
	if r := e.get(admin, "/admin/integrations/new"); r.status != http.StatusOK || !strings.Contains(r.body, `name="event_map"`) {
		t.Fatalf("new form: %d", r.status)
	}
	created := e.post(admin, "/admin/integrations", url.Values{"name": {"Lab portal"}, "kind": {"json"}, "hospital": {"RCH"},
		"event_map": {"discharge = A03\n\nadmit=A01"}, "enabled": {"1"}})
	key := keyPattern.FindString(created.body)
	if created.status != http.StatusOK || key == "" || !strings.Contains(created.body, "shown only once") {
		t.Fatalf("create: %d %.2000s", created.status, created.body)
	}
	ins, _ := e.a.HIS.Integrations(context.Background(), app.System)
	if len(ins) != 1 || ins[0].HospitalID != e.hospA.ID || ins[0].EventMap["discharge"] != "A03" || ins[0].EventMap["admit"] != "A01" {
		t.Fatalf("stored: %+v", ins)
	}
	in := ins[0]
	for _, path := range []string{"/admin/integrations", fmt.Sprintf("/admin/integrations/%d", in.ID)} {
		r := e.get(admin, path)
		if r.status != http.StatusOK || strings.Contains(r.body, key) || keyPattern.MatchString(r.body) || !strings.Contains(r.body, in.KeyPrefix+"…") {
			t.Errorf("%s: status %d, shows the key: %v", path, r.status, strings.Contains(r.body, key))
		}
	}
	ok := batch(map[string]any{"event_id": "x", "type": "discharge", "mrn": "LAB-1", "visit": "L-1"})
	if r := e.sendEvents("bearer", key, ok); r.status != http.StatusOK || !strings.Contains(r.body, `"accepted":1`) {
		t.Fatalf("the new key: %d %s", r.status, r.body)
	}

	t.Run("field errors re-render the form", func(t *testing.T) {
		for name, form := range map[string]url.Values{
			"listen on a JSON feed": {"name": {"Other"}, "kind": {"json"}, "listen": {"0.0.0.0:2575"}},
			"a bad event map line":  {"name": {"Other"}, "kind": {"hl7"}, "event_map": {"discharge A03"}},
			"an unknown event":      {"name": {"Other"}, "kind": {"hl7"}, "event_map": {"discharge = Z99"}},
			"a name taken":          {"name": {"Lab portal"}, "kind": {"hl7"}},
		} {
			r := e.post(admin, "/admin/integrations", form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "field-error") || keyPattern.MatchString(r.body) {
				t.Errorf("%s: %d", name, r.status)
			}
		}
		if ins, _ := e.a.HIS.Integrations(context.Background(), app.System); len(ins) != 1 {
			t.Errorf("%d integrations, want 1", len(ins))
		}
	})

	t.Run("rotate gives a new key and the old one stops working", func(t *testing.T) {
		r := e.post(admin, fmt.Sprintf("/admin/integrations/%d/rotate", in.ID), nil)
		next := keyPattern.FindString(r.body)
		if r.status != http.StatusOK || next == "" || next == key {
			t.Fatalf("rotate: %d", r.status)
		}
		if r := e.sendEvents("bearer", key, ok); r.status != http.StatusUnauthorized {
			t.Errorf("old key: %d", r.status)
		}
		if r := e.sendEvents("bearer", next, ok); r.status != http.StatusOK {
			t.Errorf("new key: %d %s", r.status, r.body)
		}
		// Disabling the integration shuts the new key out too.
		r = e.post(admin, fmt.Sprintf("/admin/integrations/%d", in.ID), url.Values{"name": {"Lab portal"}, "hospital": {"RCH"},
			"event_map": {"discharge = A03"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		if r := e.sendEvents("bearer", next, ok); r.status != http.StatusUnauthorized {
			t.Errorf("disabled integration: %d", r.status)
		}
	})

	t.Run("staff may not manage integrations", func(t *testing.T) {
		staff := e.login(app.RoleStaff)
		for _, path := range []string{"/admin/integrations", "/admin/integrations/messages"} {
			if r := e.get(staff, path); r.status != http.StatusForbidden {
				t.Errorf("%s: %d", path, r.status)
			}
		}
	})
}

func TestHISMessageLogAndReprocess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in, key := e.integration("Portal", app.IntegrationJSON, "")
	r := e.sendEvents("bearer", key, batch(map[string]any{"event_id": "n1", "type": "A04", "hospital": "NOPE", "mrn": "LOG-77", "visit": "LV-1"}))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e.process()
	msgs := e.hisMessages()
	if len(msgs) != 1 || msgs[0].Status != app.InboundError {
		t.Fatalf("logged: %+v", msgs)
	}
	m := msgs[0]
	admin := e.login(app.RolePXAdmin)
	list := e.get(admin, fmt.Sprintf("/admin/integrations/messages?status=error&integration=%d", in.ID))
	if list.status != http.StatusOK || !strings.Contains(list.body, "LOG-77") || !strings.Contains(list.body, "badge-bad") ||
		!strings.Contains(list.body, "unknown hospital") {
		t.Fatalf("log: %d %.3000s", list.status, list.body)
	}
	if r := e.get(admin, "/admin/integrations/messages?status=processed"); strings.Contains(r.body, "LOG-77") {
		t.Error("the status filter let an error through")
	}
	detail := e.get(admin, fmt.Sprintf("/admin/integrations/messages/%d", m.ID))
	if detail.status != http.StatusOK || !strings.Contains(detail.body, "<pre") || !strings.Contains(detail.body, "NOPE") ||
		!strings.Contains(detail.body, "unknown hospital") || !strings.Contains(detail.body, "/reprocess") {
		t.Errorf("detail: %d %.3000s", detail.status, detail.body)
	}
	if r := e.post(admin, fmt.Sprintf("/admin/integrations/messages/%d/reprocess", m.ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("reprocess: %d %s", r.status, r.body)
	}
	if got, _ := e.a.HIS.Message(ctx, app.System, m.ID); got.Status != app.InboundReceived {
		t.Errorf("after reprocess: %s", got.Status)
	}
	again := e.post(admin, fmt.Sprintf("/admin/integrations/messages/%d/reprocess", m.ID), nil)
	if again.status != http.StatusConflict || !strings.Contains(again.body, "Only a message that failed") {
		t.Errorf("second reprocess: %d", again.status)
	}
	if r := e.get(admin, "/admin/integrations/messages/999999"); r.status != http.StatusNotFound {
		t.Errorf("missing message: %d", r.status)
	}

	t.Run("HL7 segments show one per line", func(t *testing.T) {
		_, hl7Key := e.integration("MEDORA", app.IntegrationHL7, "RCH")
		raw, _ := os.ReadFile(filepath.Join("..", "hl7", "testdata", "adt_a01_inpatient.hl7"))
		e.do(e.client(), "POST", "/api/v1/integrations/hl7", bytes.NewReader(raw), http.Header{"X-API-Key": {hl7Key}})
		msgs := e.hisMessages()
		r := e.get(admin, fmt.Sprintf("/admin/integrations/messages/%d", msgs[0].ID))
		if !strings.Contains(r.body, "\nEVN|A01|20250314083500") || strings.Contains(r.body, "\rEVN") {
			t.Errorf("raw HL7: %.3000s", r.body)
		}
		if strings.Contains(r.body, "1087654321") || !strings.Contains(r.body, "[national-id]") {
			t.Error("the national ID in PID-3 is shown; it is kept only encrypted")
		}
		var n int
		e.a.Store.R.QueryRow(`select count(*) from his_messages where raw like '%1087654321%'`).Scan(&n)
		if n != 0 {
			t.Error("the message log holds a national ID in clear")
		}
	})
}

func TestJourneyEditor(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.login(app.RoleHospitalAdmin)
	list := e.get(c, "/admin/journeys")
	if list.status != http.StatusOK || !strings.Contains(list.body, "INPATIENT") {
		t.Fatalf("list: %d", list.status)
	}
	if r := e.get(c, "/admin/journeys/new"); r.status != http.StatusOK || !strings.Contains(r.body, `name="stage_trigger_2"`) {
		t.Fatalf("new: %d", r.status)
	}
	var survey int64
	all, _ := e.store().SurveyTemplates(ctx, app.System.Scope)
	for _, x := range all {
		if x.Kind == app.SurveyGeneral && x.HospitalID == 0 {
			survey = x.Family
		}
	}
	if survey == 0 {
		t.Fatal("no general survey in the demo data")
	}
	form := func(trigger string) url.Values {
		return url.Values{"hospital_id": {fmt.Sprint(e.hospA.ID)}, "code": {"er2"}, "name_en": {"Emergency (RCH)"}, "name_ar": {"الطوارئ"},
			"patient_classes": {"e, d"}, "active": {"1"}, "rows": {"4"},
			"stage_code_0": {"triage"}, "stage_name_en_0": {"Triage"}, "stage_trigger_0": {"A04"}, "stage_delay_0": {"0"},
			"stage_start_0": {"08:00"}, "stage_end_0": {"21:00"},
			"stage_code_1": {""}, "stage_name_en_1": {"ignored"}, "stage_trigger_1": {"A01"},
			"stage_code_2": {"out"}, "stage_name_en_2": {"Discharge"}, "stage_name_ar_2": {"الخروج"}, "stage_trigger_2": {trigger},
			"stage_survey_2": {fmt.Sprint(survey)}, "stage_delay_2": {"٦٠"}, "stage_start_2": {"09:00"}, "stage_end_2": {"20:30"},
		}
	}

	t.Run("a bad trigger is refused on its row", func(t *testing.T) {
		r := e.post(c, "/admin/journeys", form("Z99"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="stage-2-error"`) || !strings.Contains(r.body, "Stage 3") ||
			!strings.Contains(r.body, `value="Emergency (RCH)"`) {
			t.Fatalf("%d %.3000s", r.status, r.body)
		}
		ts, _ := e.a.HIS.JourneyTemplates(ctx, app.System, e.hospA.ID)
		for _, x := range ts {
			if x.Code == "ER2" {
				t.Error("saved despite the error")
			}
		}
	})

	t.Run("a new journey with two stages is saved", func(t *testing.T) {
		r := e.post(c, "/admin/journeys", form("A03"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("%d %.3000s", r.status, r.body)
		}
		ts, _ := e.a.HIS.JourneyTemplates(ctx, app.System, e.hospA.ID)
		var got app.JourneyTemplate
		for _, x := range ts {
			if x.Code == "ER2" {
				got = x
			}
		}
		if got.HospitalID != e.hospA.ID || strings.Join(got.PatientClasses, ",") != "E,D" || len(got.Stages) != 2 ||
			got.Stages[0].Code != "triage" || got.Stages[1].TriggerEvent != "A03" || got.Stages[1].SurveyFamily != survey ||
			got.Stages[1].DelayMinutes != 60 || got.Stages[1].WindowStart != 9*60 || got.Stages[1].WindowEnd != 20*60+30 {
			t.Fatalf("saved: %+v", got)
		}
		edit := e.get(c, fmt.Sprintf("/admin/journeys/%d", got.ID))
		if edit.status != http.StatusOK || !strings.Contains(edit.body, `value="triage"`) || !strings.Contains(edit.body, `name="stage_code_4"`) {
			t.Errorf("edit page: %d", edit.status)
		}
	})

	t.Run("a hospital admin cannot change a group-wide journey", func(t *testing.T) {
		ts, _ := e.a.HIS.JourneyTemplates(ctx, app.System, 0)
		r := e.post(c, fmt.Sprintf("/admin/journeys/%d", ts[0].ID), url.Values{"name_en": {"Changed"}, "rows": {"0"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Only PX admins") {
			t.Errorf("%d", r.status)
		}
		if x, _ := e.a.HIS.JourneyTemplate(ctx, app.System, ts[0].ID); x.NameEN == "Changed" {
			t.Error("the group-wide journey was changed")
		}
		if r := e.get(c, fmt.Sprintf("/admin/journeys?hospital=%d", e.hospB.ID)); r.status != http.StatusNotFound {
			t.Errorf("another hospital's journeys: %d", r.status)
		}
	})
}

func TestPatientVisitsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, key := e.integration("Portal", app.IntegrationJSON, "RCH")
	r := e.sendEvents("bearer", key, batch(
		map[string]any{"event_id": "a", "type": "A01", "mrn": "PV-1", "visit": "PV-VISIT-9", "patient_class": "I", "name_en": "Huda Saleh",
			"occurred_at": "2026-03-01T09:30:00+03:00"},
		map[string]any{"event_id": "b", "type": "A03", "mrn": "PV-1", "visit": "PV-VISIT-9", "occurred_at": "2026-03-04T11:00:00+03:00"},
	))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e.process()
	p, err := e.store().PatientByMRN(ctx, e.hospA.ID, "PV-1")
	if err != nil {
		t.Fatal(err)
	}
	c := e.login(app.RoleStaff)
	if r := e.get(c, fmt.Sprintf("/admin/patients/%d", p.ID)); !strings.Contains(r.body, fmt.Sprintf("/admin/patients/%d/visits", p.ID)) {
		t.Error("the patient page has no link to the visits")
	}
	page := e.get(c, fmt.Sprintf("/admin/patients/%d/visits", p.ID))
	for _, want := range []string{"PV-VISIT-9", "2026-03-01 09:30", "2026-03-04 11:00", "A03 · discharge", "Inpatient stay", "<progress", "100%",
		"Scheduled surveys", "badge-ok"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("visits page lacks %q", want)
		}
	}
	if page.status != http.StatusOK {
		t.Fatalf("%d", page.status)
	}
	if r := e.get(c, fmt.Sprintf("/admin/patients/%d/visits", e.patientB.ID)); r.status != http.StatusNotFound {
		t.Errorf("another hospital's patient: %d", r.status)
	}
	// In Arabic the page is right-to-left, names the events in Arabic and keeps the visit number left-to-right.
	e.post(c, "/language", url.Values{"lang": {"ar"}, "next": {"/"}})
	ar := e.get(c, fmt.Sprintf("/admin/patients/%d/visits", p.ID))
	for _, want := range []string{`dir="rtl"`, "A03 · خروج", `dir="ltr">PV-VISIT-9</bdi>`, "الاستبيانات المجدولة"} {
		if !strings.Contains(ar.body, want) {
			t.Errorf("Arabic visits page lacks %q", want)
		}
	}
}
