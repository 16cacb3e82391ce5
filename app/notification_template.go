package app

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// NotificationKey names a kind of notification: what happened and to whom it goes.
// Hospitals map each key to channels and may override its templates.
type NotificationKey string

const (
	NotifyComplaintAcknowledged  NotificationKey = "complaint.acknowledged"
	NotifyComplaintStatusChanged NotificationKey = "complaint.status_changed"
	NotifyComplaintAssigned      NotificationKey = "complaint.assigned"
	NotifyExplanationRequested   NotificationKey = "explanation.requested"
	NotifyExplanationReminder    NotificationKey = "explanation.reminder"
	NotifyExplanationOverdue     NotificationKey = "explanation.overdue"
	NotifySLAReminder            NotificationKey = "sla.reminder"
	NotifySLABreach              NotificationKey = "sla.breach"
	NotifySLAEscalation          NotificationKey = "sla.escalation"
	NotifySurveyInvitation       NotificationKey = "survey.invitation"
	NotifySurveyReminder         NotificationKey = "survey.reminder"
	NotifyActionDueSoon          NotificationKey = "action.due_soon"
	NotifyActionOverdue          NotificationKey = "action.overdue"
	NotifyActionAssigned         NotificationKey = "action.assigned"
	NotifyActionApproval         NotificationKey = "action.approval_requested"
	NotifyActionDecided          NotificationKey = "action.decided"
	NotifyTest                   NotificationKey = "test.message"
)

// NotificationKind describes one key: who gets it, why, which variables its templates
// may use and the channels it goes out on until a hospital changes them.
type NotificationKind struct {
	Key      NotificationKey
	Audience Audience
	Purpose  Purpose
	Vars     []string
	Channels []Channel // default channels; patients get the first one they can be reached on
}

// Variables every template may use.
var commonVars = []string{"recipient_name", "hospital_name"}

var (
	patientComplaintVars = []string{"patient_name", "tracking_code", "tracking_link", "status", "due_at", "opt_out_link"}
	staffComplaintVars   = []string{"complaint_ref", "complaint_title", "complaint_link", "department", "due_at"}
	surveyVars           = []string{"patient_name", "survey_link", "expires_at", "opt_out_link"}
	actionVars           = []string{"action_ref", "action_title", "action_link", "due_at"}
	patientChannels      = []Channel{ChannelSMS, ChannelWhatsApp, ChannelEmail}
	staffChannels        = []Channel{ChannelInApp, ChannelEmail}
)

// NotificationKinds lists every key the product sends, in the order admins see them.
var NotificationKinds = []NotificationKind{
	{NotifyComplaintAcknowledged, AudiencePatient, PurposeService, patientComplaintVars, patientChannels},
	{NotifyComplaintStatusChanged, AudiencePatient, PurposeService, patientComplaintVars, patientChannels},
	{NotifyComplaintAssigned, AudienceStaff, PurposeService, staffComplaintVars, staffChannels},
	{NotifyExplanationRequested, AudienceStaff, PurposeService, append(slices.Clone(staffComplaintVars), "question"), staffChannels},
	{NotifyExplanationReminder, AudienceStaff, PurposeService, append(slices.Clone(staffComplaintVars), "question"), staffChannels},
	{NotifyExplanationOverdue, AudienceStaff, PurposeService, append(slices.Clone(staffComplaintVars), "question"), staffChannels},
	{NotifySLAReminder, AudienceStaff, PurposeService, staffComplaintVars, staffChannels},
	{NotifySLABreach, AudienceStaff, PurposeService, staffComplaintVars, staffChannels},
	{NotifySLAEscalation, AudienceStaff, PurposeService, append(slices.Clone(staffComplaintVars), "level"), staffChannels},
	{NotifySurveyInvitation, AudiencePatient, PurposeSurvey, surveyVars, patientChannels},
	{NotifySurveyReminder, AudiencePatient, PurposeSurvey, surveyVars, patientChannels},
	{NotifyActionDueSoon, AudienceStaff, PurposeService, actionVars, staffChannels},
	{NotifyActionOverdue, AudienceStaff, PurposeService, actionVars, staffChannels},
	{NotifyActionAssigned, AudienceStaff, PurposeService, actionVars, staffChannels},
	{NotifyActionApproval, AudienceStaff, PurposeService, actionVars, staffChannels},
	{NotifyActionDecided, AudienceStaff, PurposeService, append(slices.Clone(actionVars), "status", "comment"), staffChannels},
	{NotifyFeedbackResponse, AudiencePatient, PurposeService, feedbackVars, patientChannels},
	{NotifyObservationAssigned, AudienceStaff, PurposeService, observationVars, staffChannels},
	{NotifyObservationReminder, AudienceStaff, PurposeService, observationVars, staffChannels},
	{NotifyObservationOverdue, AudienceStaff, PurposeService, observationVars, staffChannels},
	{NotifyAppreciationReceived, AudienceStaff, PurposeService, appreciationVars, staffChannels},
	{NotifyTest, AudienceStaff, PurposeService, nil, []Channel{ChannelEmail}},
}

// Variables of the feedback and observation keys (app/feedback.go).
var (
	feedbackVars    = []string{"patient_name", "tracking_code", "response", "opt_out_link"}
	observationVars = []string{"observation_ref", "observation_link", "severity", "due_at"}
)

// Kind returns the description of key.
func (k NotificationKey) Kind() (NotificationKind, bool) {
	for _, n := range NotificationKinds {
		if n.Key == k {
			return n, true
		}
	}
	return NotificationKind{}, false
}

// Allows reports whether a template of this kind may use variable v.
func (n NotificationKind) Allows(v string) bool {
	return slices.Contains(commonVars, v) || slices.Contains(n.Vars, v)
}

// AllVars returns every variable a template of this kind may use.
func (n NotificationKind) AllVars() []string { return append(slices.Clone(commonVars), n.Vars...) }

// Template is the text of one notification key on one channel, in both languages.
// HospitalID 0 is the system default; a hospital's own row overrides it.
type Template struct {
	ID         int64
	HospitalID int64
	Key        NotificationKey
	Channel    Channel
	SubjectEN  string // email and in-app title
	SubjectAR  string
	BodyEN     string
	BodyAR     string
	WhatsApp   string // the approved WhatsApp template name; its parameters are the body's variables in order
	UpdatedAt  time.Time
	Builtin    bool // not saved: the product's default
}

// Text returns the subject and body in lang ("ar" or "en"), falling back to the other
// language when one is empty.
func (t Template) Text(lang string) (subject, body string) {
	if lang == "ar" {
		return Name("ar", t.SubjectEN, t.SubjectAR), Name("ar", t.BodyEN, t.BodyAR)
	}
	return Name("en", t.SubjectEN, t.SubjectAR), Name("en", t.BodyEN, t.BodyAR)
}

// Template limits.
const (
	MaxTemplateSubject = 200
	MaxTemplateBody    = 2000
)

// Validate checks a template's texts: lengths, at least one body, and only variables
// its key allows ("{{name}}" with nothing else inside the braces).
func (t Template) Validate() FieldErrors {
	fe := FieldErrors{}
	kind, ok := t.Key.Kind()
	if !ok {
		fe.Add("key", "err.choose_option")
		return fe
	}
	if !t.Channel.Valid() {
		fe.Add("channel", "err.choose_option")
	}
	if t.BodyEN == "" && t.BodyAR == "" {
		fe.Add("body_en", "err.required")
	}
	for field, text := range map[string]string{"subject_en": t.SubjectEN, "subject_ar": t.SubjectAR, "body_en": t.BodyEN, "body_ar": t.BodyAR} {
		max := MaxTemplateBody
		if strings.HasPrefix(field, "subject") {
			max = MaxTemplateSubject
		}
		if len([]rune(text)) > max {
			fe.Add(field, "err.too_long")
			continue
		}
		vars, err := TemplateVars(text)
		if err != nil {
			fe.Add(field, "err.template_syntax")
			continue
		}
		for _, v := range vars {
			if !kind.Allows(v) {
				fe.Add(field, "err.template_unknown_var")
				break
			}
		}
	}
	if t.WhatsApp != "" && strings.Trim(t.WhatsApp, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		fe.Add("whatsapp", "err.template_name")
	}
	return fe
}

// TemplateVars returns the variables a text uses, in order of first appearance. A "{{"
// without its "}}", or braces around anything but a lower-case name, is an error.
func TemplateVars(text string) ([]string, error) {
	var vars []string
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			if strings.Contains(text, "}}") {
				return nil, fmt.Errorf("a \"}}\" without its \"{{\"")
			}
			return vars, nil
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("a \"{{\" without its \"}}\"")
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz_") != "" {
			return nil, fmt.Errorf("%q is not a variable name", name)
		}
		if !slices.Contains(vars, name) {
			vars = append(vars, name)
		}
		text = text[i+j+2:]
	}
}

// RenderTemplate replaces every {{name}} in text with vars[name] (empty when missing).
// The text must have passed TemplateVars.
func RenderTemplate(text string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(vars[strings.TrimSpace(text[i+2:i+j])])
		text = text[i+j+2:]
	}
}

// SampleVars are the values a template preview uses.
func SampleVars(lang string) map[string]string {
	if lang == "ar" {
		return map[string]string{"recipient_name": "د. سارة القحطاني", "hospital_name": "مستشفى الرياض المركزي",
			"patient_name": "محمد العتيبي", "tracking_code": "7K3M-Q9XD-2PHT-R4VB", "tracking_link": "https://px.example/t/7K3M-Q9XD-2PHT-R4VB",
			"status": "قيد المعالجة", "due_at": "٢٠٢٦/١٢/٠٣ ١٤:٠٠", "opt_out_link": "https://px.example/o/abcdefgh23456789",
			"complaint_ref": "#1042", "complaint_title": "تأخر في صرف الدواء", "complaint_link": "https://px.example/complaints/1042",
			"department": "الصيدلية", "question": "يرجى توضيح سبب التأخير", "level": "مدير المستشفى",
			"survey_link": "https://px.example/s/Xk29aPq", "expires_at": "٢٠٢٦/١٢/١٠", "action_ref": "#77",
			"action_title": "تقليل وقت الانتظار في الصيدلية", "action_link": "https://px.example/actions/77",
			"comment": "يرجى إرفاق صور بعد التعديل"}
	}
	return map[string]string{"recipient_name": "Dr. Sarah Al-Qahtani", "hospital_name": "Riyadh Central Hospital",
		"patient_name": "Mohammed Al-Otaibi", "tracking_code": "7K3M-Q9XD-2PHT-R4VB", "tracking_link": "https://px.example/t/7K3M-Q9XD-2PHT-R4VB",
		"status": "In progress", "due_at": "2026-12-03 14:00", "opt_out_link": "https://px.example/o/abcdefgh23456789",
		"complaint_ref": "#1042", "complaint_title": "Delay in dispensing medication", "complaint_link": "https://px.example/complaints/1042",
		"department": "Pharmacy", "question": "Please explain the reason for the delay", "level": "hospital admin",
		"survey_link": "https://px.example/s/Xk29aPq", "expires_at": "2026-12-10", "action_ref": "#77",
		"action_title": "Reduce pharmacy waiting time", "action_link": "https://px.example/actions/77",
		"comment": "Please attach photos after the change"}
}
