package views

import (
	"strings"
	"testing"

	"px360/app"
	"px360/app/notify"
)

// TestNotifyNamesAreTranslated checks the message families the notification pages build
// from values (keys, channels, statuses, provider kinds and fields, variables): each
// value the product can hold has a name in both languages.
func TestNotifyNamesAreTranslated(t *testing.T) {
	want := []string{}
	for _, k := range app.NotificationKinds {
		want = append(want, "notify.key."+string(k.Key), "notify.audience."+string(k.Audience), "notify.purpose."+string(k.Purpose))
		for _, v := range k.AllVars() {
			want = append(want, "notify.var."+v)
		}
	}
	for _, c := range app.Channels {
		want = append(want, "notify.channel."+string(c))
	}
	for _, c := range app.OutboundChannels {
		want = append(want, "notify.optout.by."+string(c))
		for _, kind := range app.ProviderKinds[c] {
			want = append(want, "notify.kind."+kind)
			for _, f := range notify.ProviderFields[kind] {
				want = append(want, "notify.pfield."+f.Name)
				for _, o := range f.Options {
					if o == strings.ToLower(o) { // HTTP methods are shown as they are
						want = append(want, "notify.option."+o)
					}
				}
			}
		}
	}
	for _, s := range app.MessageStatuses {
		want = append(want, "notify.status."+string(s))
	}
	for _, p := range app.Purposes {
		want = append(want, "notify.purpose."+string(p))
	}
	for _, o := range []notify.Origin{notify.OriginBuiltin, notify.OriginSystem, notify.OriginHospital} {
		want = append(want, "notify.origin."+string(o), "notify.help.origin_"+string(o))
	}
	want = append(want, "notify.help.group_origin_builtin", "notify.help.group_origin_system")
	for _, o := range []string{"sent", "retry", "failed", "deferred", "suppressed", "callback:delivered", "callback:bounced"} {
		want = append(want, "notify.outcome."+strings.ReplaceAll(o, ":", "_"))
	}
	for _, key := range want {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s has no translation", key)
		}
	}
}

func TestUnreadText(t *testing.T) {
	for n, want := range map[int]string{0: "0", 1: "1", 99: "99", 100: "99+"} {
		if got := UnreadText(n); got != want {
			t.Errorf("UnreadText(%d) = %q, want %q", n, got, want)
		}
	}
}
