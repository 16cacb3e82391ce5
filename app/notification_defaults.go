package app

import "strings"

// defaultText is the product's own wording of one key: a subject (email subject and
// in-app title), a short text (SMS, WhatsApp, in-app) and a longer email body, in English
// and Arabic.
type defaultText struct {
	subjectEN, subjectAR string
	shortEN, shortAR     string
	emailEN, emailAR     string
}

var defaultTexts = map[NotificationKey]defaultText{
	NotifyComplaintAcknowledged: {
		"We received your complaint {{tracking_code}}", "تم استلام شكواك {{tracking_code}}",
		"{{hospital_name}}: we received your complaint. Tracking code {{tracking_code}}. Follow it at {{tracking_link}}",
		"{{hospital_name}}: تم استلام شكواك. رمز المتابعة {{tracking_code}}. تابعها عبر {{tracking_link}}",
		"Dear {{patient_name}},\n\nThank you for telling us. We received your complaint and it has the tracking code {{tracking_code}}. We aim to answer by {{due_at}}.\n\nYou can follow it at any time: {{tracking_link}}\n\n{{hospital_name}}\n\nTo stop these messages: {{opt_out_link}}",
		"عزيزنا {{patient_name}}،\n\nشكراً لتواصلك معنا. تم استلام شكواك برمز المتابعة {{tracking_code}}، ونسعى للرد قبل {{due_at}}.\n\nيمكنك متابعتها في أي وقت: {{tracking_link}}\n\n{{hospital_name}}\n\nلإيقاف هذه الرسائل: {{opt_out_link}}",
	},
	NotifyComplaintStatusChanged: {
		"Your complaint {{tracking_code}}: {{status}}", "شكواك {{tracking_code}}: {{status}}",
		"{{hospital_name}}: your complaint {{tracking_code}} is now: {{status}}. {{tracking_link}}",
		"{{hospital_name}}: حالة شكواك {{tracking_code}} الآن: {{status}}. {{tracking_link}}",
		"Dear {{patient_name}},\n\nYour complaint {{tracking_code}} is now: {{status}}.\n\nDetails: {{tracking_link}}\n\n{{hospital_name}}\n\nTo stop these messages: {{opt_out_link}}",
		"عزيزنا {{patient_name}}،\n\nحالة شكواك {{tracking_code}} الآن: {{status}}.\n\nالتفاصيل: {{tracking_link}}\n\n{{hospital_name}}\n\nلإيقاف هذه الرسائل: {{opt_out_link}}",
	},
	NotifyComplaintAssigned: {
		"Complaint {{complaint_ref}} assigned to you", "أُسندت إليك الشكوى {{complaint_ref}}",
		"Complaint {{complaint_ref}} ({{complaint_title}}) was assigned to you, due {{due_at}}.",
		"أُسندت إليك الشكوى {{complaint_ref}} ({{complaint_title}})، موعدها {{due_at}}.",
		"Dear {{recipient_name}},\n\nComplaint {{complaint_ref}} – {{complaint_title}} – was assigned to you ({{department}}). It is due {{due_at}}.\n\nOpen it: {{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nأُسندت إليك الشكوى {{complaint_ref}} – {{complaint_title}} – ({{department}})، وموعدها {{due_at}}.\n\nافتحها: {{complaint_link}}",
	},
	NotifyExplanationRequested: {
		"Explanation requested: complaint {{complaint_ref}}", "مطلوب إفادة: الشكوى {{complaint_ref}}",
		"Your explanation is requested on complaint {{complaint_ref}} by {{due_at}}.",
		"مطلوب إفادتك على الشكوى {{complaint_ref}} قبل {{due_at}}.",
		"Dear {{recipient_name}},\n\nYour explanation is requested on complaint {{complaint_ref}} – {{complaint_title}}:\n\n{{question}}\n\nPlease answer by {{due_at}}: {{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nمطلوب إفادتك على الشكوى {{complaint_ref}} – {{complaint_title}}:\n\n{{question}}\n\nيرجى الرد قبل {{due_at}}: {{complaint_link}}",
	},
	NotifyExplanationReminder: {
		"Reminder: explanation on complaint {{complaint_ref}}", "تذكير: إفادة على الشكوى {{complaint_ref}}",
		"Reminder: your explanation on complaint {{complaint_ref}} was due {{due_at}}.",
		"تذكير: كانت إفادتك على الشكوى {{complaint_ref}} مطلوبة قبل {{due_at}}.",
		"Dear {{recipient_name}},\n\nThis is a reminder: your explanation on complaint {{complaint_ref}} was due {{due_at}}.\n\n{{question}}\n\nAnswer here: {{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nتذكير: كانت إفادتك على الشكوى {{complaint_ref}} مطلوبة قبل {{due_at}}.\n\n{{question}}\n\nللرد: {{complaint_link}}",
	},
	NotifyExplanationOverdue: {
		"Overdue explanation: complaint {{complaint_ref}}", "إفادة متأخرة: الشكوى {{complaint_ref}}",
		"The explanation on complaint {{complaint_ref}} is overdue and was escalated.",
		"تأخرت الإفادة على الشكوى {{complaint_ref}} وتم تصعيدها.",
		"Dear {{recipient_name}},\n\nThe explanation requested on complaint {{complaint_ref}} – {{complaint_title}} – is overdue (due {{due_at}}) and was escalated to you.\n\n{{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nتأخرت الإفادة المطلوبة على الشكوى {{complaint_ref}} – {{complaint_title}} – (موعدها {{due_at}}) وتم تصعيدها إليك.\n\n{{complaint_link}}",
	},
	NotifySLAReminder: {
		"Complaint {{complaint_ref}} is due {{due_at}}", "الشكوى {{complaint_ref}} مستحقة {{due_at}}",
		"Reminder: complaint {{complaint_ref}} is due {{due_at}}.",
		"تذكير: الشكوى {{complaint_ref}} مستحقة {{due_at}}.",
		"Dear {{recipient_name}},\n\nComplaint {{complaint_ref}} – {{complaint_title}} – is due {{due_at}}.\n\n{{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nالشكوى {{complaint_ref}} – {{complaint_title}} – مستحقة {{due_at}}.\n\n{{complaint_link}}",
	},
	NotifySLABreach: {
		"Complaint {{complaint_ref}} is overdue", "الشكوى {{complaint_ref}} متأخرة",
		"Complaint {{complaint_ref}} passed its due time {{due_at}}.",
		"تجاوزت الشكوى {{complaint_ref}} موعدها {{due_at}}.",
		"Dear {{recipient_name}},\n\nComplaint {{complaint_ref}} – {{complaint_title}} – passed its due time ({{due_at}}).\n\n{{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nتجاوزت الشكوى {{complaint_ref}} – {{complaint_title}} – موعدها ({{due_at}}).\n\n{{complaint_link}}",
	},
	NotifySLAEscalation: {
		"Escalated to you: complaint {{complaint_ref}}", "تصعيد إليك: الشكوى {{complaint_ref}}",
		"Complaint {{complaint_ref}} is overdue and was escalated to you ({{level}}).",
		"الشكوى {{complaint_ref}} متأخرة وتم تصعيدها إليك ({{level}}).",
		"Dear {{recipient_name}},\n\nComplaint {{complaint_ref}} – {{complaint_title}} ({{department}}) – was due {{due_at}} and was escalated to you as {{level}}.\n\n{{complaint_link}}",
		"عزيزنا {{recipient_name}}،\n\nالشكوى {{complaint_ref}} – {{complaint_title}} ({{department}}) – كانت مستحقة {{due_at}} وتم تصعيدها إليك بصفتك {{level}}.\n\n{{complaint_link}}",
	},
	NotifySurveyInvitation: {
		"Tell us about your visit to {{hospital_name}}", "شاركنا رأيك في زيارتك إلى {{hospital_name}}",
		"{{hospital_name}}: how was your visit? Tell us in 2 minutes: {{survey_link}}",
		"{{hospital_name}}: كيف كانت زيارتك؟ شاركنا رأيك في دقيقتين: {{survey_link}}",
		"Dear {{patient_name}},\n\nThank you for choosing {{hospital_name}}. Please tell us about your visit – it takes two minutes:\n\n{{survey_link}}\n\nThe link is valid until {{expires_at}}.\n\nTo stop survey messages: {{opt_out_link}}",
		"عزيزنا {{patient_name}}،\n\nشكراً لاختيارك {{hospital_name}}. شاركنا رأيك في زيارتك، في دقيقتين فقط:\n\n{{survey_link}}\n\nالرابط صالح حتى {{expires_at}}.\n\nلإيقاف رسائل الاستبيانات: {{opt_out_link}}",
	},
	NotifySurveyReminder: {
		"Reminder: your opinion about {{hospital_name}}", "تذكير: رأيك في {{hospital_name}}",
		"{{hospital_name}}: a reminder, your opinion matters: {{survey_link}}",
		"{{hospital_name}}: تذكير، رأيك يهمنا: {{survey_link}}",
		"Dear {{patient_name}},\n\nA short reminder: we would value your opinion about your visit.\n\n{{survey_link}}\n\nThe link is valid until {{expires_at}}.\n\nTo stop survey messages: {{opt_out_link}}",
		"عزيزنا {{patient_name}}،\n\nتذكير قصير: يهمنا رأيك في زيارتك.\n\n{{survey_link}}\n\nالرابط صالح حتى {{expires_at}}.\n\nلإيقاف رسائل الاستبيانات: {{opt_out_link}}",
	},
	NotifyActionDueSoon: {
		"Action {{action_ref}} is due {{due_at}}", "الإجراء {{action_ref}} مستحق {{due_at}}",
		"Action {{action_ref}} ({{action_title}}) is due {{due_at}}.",
		"الإجراء {{action_ref}} ({{action_title}}) مستحق {{due_at}}.",
		"Dear {{recipient_name}},\n\nImprovement action {{action_ref}} – {{action_title}} – is due {{due_at}}.\n\n{{action_link}}",
		"عزيزنا {{recipient_name}}،\n\nإجراء التحسين {{action_ref}} – {{action_title}} – مستحق {{due_at}}.\n\n{{action_link}}",
	},
	NotifyActionOverdue: {
		"Action {{action_ref}} is overdue", "الإجراء {{action_ref}} متأخر",
		"Action {{action_ref}} ({{action_title}}) passed its due time {{due_at}}.",
		"تجاوز الإجراء {{action_ref}} ({{action_title}}) موعده {{due_at}}.",
		"Dear {{recipient_name}},\n\nImprovement action {{action_ref}} – {{action_title}} – passed its due time ({{due_at}}).\n\n{{action_link}}",
		"عزيزنا {{recipient_name}}،\n\nتجاوز إجراء التحسين {{action_ref}} – {{action_title}} – موعده ({{due_at}}).\n\n{{action_link}}",
	},
	NotifyActionAssigned: {
		"Action {{action_ref}} is yours", "الإجراء {{action_ref}} مسند إليك",
		"Improvement action {{action_ref}} ({{action_title}}) is yours, due {{due_at}}.",
		"إجراء التحسين {{action_ref}} ({{action_title}}) مسند إليك، موعده {{due_at}}.",
		"Dear {{recipient_name}},\n\nImprovement action {{action_ref}} – {{action_title}} – is now yours. It is due {{due_at}}.\n\n{{action_link}}",
		"عزيزنا {{recipient_name}}،\n\nإجراء التحسين {{action_ref}} – {{action_title}} – أصبح مسنداً إليك، وموعده {{due_at}}.\n\n{{action_link}}",
	},
	NotifyActionApproval: {
		"Approval needed: action {{action_ref}}", "مطلوب اعتماد: الإجراء {{action_ref}}",
		"Action {{action_ref}} ({{action_title}}) waits for your approval.",
		"الإجراء {{action_ref}} ({{action_title}}) بانتظار اعتمادك.",
		"Dear {{recipient_name}},\n\nImprovement action {{action_ref}} – {{action_title}} – was submitted with its evidence and waits for your approval.\n\n{{action_link}}",
		"عزيزنا {{recipient_name}}،\n\nقُدّم إجراء التحسين {{action_ref}} – {{action_title}} – مع أدلته، وهو بانتظار اعتمادك.\n\n{{action_link}}",
	},
	NotifyActionDecided: {
		"Action {{action_ref}}: {{status}}", "الإجراء {{action_ref}}: {{status}}",
		"Action {{action_ref}} ({{action_title}}): {{status}}. {{comment}}",
		"الإجراء {{action_ref}} ({{action_title}}): {{status}}. {{comment}}",
		"Dear {{recipient_name}},\n\nImprovement action {{action_ref}} – {{action_title}} – is now: {{status}}.\n\n{{comment}}\n\n{{action_link}}",
		"عزيزنا {{recipient_name}}،\n\nإجراء التحسين {{action_ref}} – {{action_title}} – حالته الآن: {{status}}.\n\n{{comment}}\n\n{{action_link}}",
	},
	NotifyFeedbackResponse: {
		"A reply to your feedback {{tracking_code}}", "رد على ملاحظتك {{tracking_code}}",
		"{{hospital_name}}: {{response}}",
		"{{hospital_name}}: {{response}}",
		"Dear {{patient_name}},\n\nThank you for your feedback ({{tracking_code}}). Our reply:\n\n{{response}}\n\n{{hospital_name}}\n\nTo stop these messages: {{opt_out_link}}",
		"عزيزنا {{patient_name}}،\n\nشكراً لملاحظتك ({{tracking_code}}). ردّنا:\n\n{{response}}\n\n{{hospital_name}}\n\nلإيقاف هذه الرسائل: {{opt_out_link}}",
	},
	NotifyObservationAssigned: {
		"Observation {{observation_ref}} assigned to you", "أُسندت إليك الملاحظة {{observation_ref}}",
		"Observation {{observation_ref}} ({{severity}}) was assigned to you, due {{due_at}}.",
		"أُسندت إليك الملاحظة {{observation_ref}} ({{severity}})، موعدها {{due_at}}.",
		"Dear {{recipient_name}},\n\nStaff observation {{observation_ref}} ({{severity}}) was assigned to you. It is due {{due_at}}.\n\n{{observation_link}}",
		"عزيزنا {{recipient_name}}،\n\nأُسندت إليك ملاحظة الموظفين {{observation_ref}} ({{severity}})، وموعدها {{due_at}}.\n\n{{observation_link}}",
	},
	NotifyObservationReminder: {
		"Observation {{observation_ref}} is due {{due_at}}", "الملاحظة {{observation_ref}} مستحقة {{due_at}}",
		"Reminder: observation {{observation_ref}} ({{severity}}) is due {{due_at}}.",
		"تذكير: الملاحظة {{observation_ref}} ({{severity}}) مستحقة {{due_at}}.",
		"Dear {{recipient_name}},\n\nStaff observation {{observation_ref}} ({{severity}}) is due {{due_at}}.\n\n{{observation_link}}",
		"عزيزنا {{recipient_name}}،\n\nملاحظة الموظفين {{observation_ref}} ({{severity}}) مستحقة {{due_at}}.\n\n{{observation_link}}",
	},
	NotifyObservationOverdue: {
		"Observation {{observation_ref}} is overdue", "الملاحظة {{observation_ref}} متأخرة",
		"Observation {{observation_ref}} ({{severity}}) passed its due time {{due_at}}.",
		"تجاوزت الملاحظة {{observation_ref}} ({{severity}}) موعدها {{due_at}}.",
		"Dear {{recipient_name}},\n\nStaff observation {{observation_ref}} ({{severity}}) passed its due time ({{due_at}}).\n\n{{observation_link}}",
		"عزيزنا {{recipient_name}}،\n\nتجاوزت ملاحظة الموظفين {{observation_ref}} ({{severity}}) موعدها ({{due_at}}).\n\n{{observation_link}}",
	},
	NotifyAppreciationReceived: {
		"You were thanked: {{appreciation_category}}", "وصلك شكر: {{appreciation_category}}",
		"{{thanked_by}} thanked you: {{appreciation_message}}",
		"شكرك {{thanked_by}}: {{appreciation_message}}",
		"Dear {{recipient_name}},\n\n{{thanked_by}} sent you an appreciation ({{appreciation_category}}):\n\n{{appreciation_message}}\n\nRead it and acknowledge it: {{appreciation_link}}",
		"عزيزنا {{recipient_name}}،\n\nأرسل إليك {{thanked_by}} شكراً وتقديراً ({{appreciation_category}}):\n\n{{appreciation_message}}\n\nاقرأه وأكّد استلامه: {{appreciation_link}}",
	},
	NotifyTest: {
		"PX360 test message", "رسالة تجريبية من PX360",
		"PX360 test message from {{hospital_name}}. رسالة تجريبية.",
		"رسالة تجريبية من PX360 – {{hospital_name}}. Test message.",
		"This is a test message from PX360 ({{hospital_name}}). If you can read this, the channel works.\n\nهذه رسالة تجريبية من PX360. إذا وصلتك فالقناة تعمل.",
		"هذه رسالة تجريبية من PX360 ({{hospital_name}}). إذا وصلتك فالقناة تعمل.\n\nThis is a test message from PX360. If you can read this, the channel works.",
	},
}

// DefaultTemplate returns the product's own template of key on channel.
func DefaultTemplate(key NotificationKey, ch Channel) Template {
	d := defaultTexts[key]
	t := Template{Key: key, Channel: ch, SubjectEN: d.subjectEN, SubjectAR: d.subjectAR, Builtin: true}
	switch ch {
	case ChannelEmail:
		t.BodyEN, t.BodyAR = d.emailEN, d.emailAR
	default:
		t.BodyEN, t.BodyAR = d.shortEN, d.shortAR
	}
	if ch == ChannelWhatsApp {
		t.WhatsApp = "px360_" + strings.ReplaceAll(string(key), ".", "_")
	}
	return t
}
