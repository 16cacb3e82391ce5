package views

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"px360/app"
)

func TestCatalogIsCompleteInBothLanguages(t *testing.T) {
	for key, m := range catalog {
		if strings.TrimSpace(m.en) == "" || strings.TrimSpace(m.ar) == "" {
			t.Errorf("%s: missing English or Arabic text", key)
		}
		if m.ar == m.en && !strings.Contains(m.en, "PX360") {
			t.Errorf("%s: the Arabic text is the English text", key)
		}
		if strings.Count(m.en, "%") != strings.Count(m.ar, "%") {
			t.Errorf("%s: the translations take different arguments", key)
		}
	}
}

// keyPattern matches the string literals that are message keys.
var keyPattern = regexp.MustCompile(`^(feedback|observation|call|appreciation|badge|leaderboard|setup|action|rca|mywork|routing|his|survey|notify|taxonomy|source|complaint|track|sla|calendar|holiday|nav|login|reset|error|form|field|help|list|filter|status|role|category|staff_kind|home|account|hospital|department|section|staff|patient|user|import|system|flash|err)\.[a-z0-9_.-]+$`)

// notMessages are literals shaped like keys that are not shown to people (audit
// actions, permissions, event kinds, notification keys).
var notMessages = regexp.MustCompile(`^(feedback\.(response|classify|respond|link_action)|observation\.(assigned|reminder|overdue|triage)|appreciation\.received|\w+\.(create|update|import|export|manage|view|saved|set_password|reset_link|reset_password|change_password|preferences|signin|signin_failed|signout|signout_others|backup|restore|requeue|created|updated|resolved|escalated|sla_reminder|sla_breached|sla_milestones|transition|assign|explanation_request|explanation_answer|explanation_reminder|explanation_requested|note|calendar_changed)|error\.500|patient\.national_id|field\.key|notify\.(provider|public_url|opt_out|resend|test|provider\.save|template\.save|template\.reset|routes\.save|rules\.save)|complaint\.(acknowledged|status_changed|assigned)|sla\.(reminder|breach|escalation)|survey\.(invitation|reminder|completed|negative|invite|token|settings|send|bulk)|his\.reprocess|journey\.save|action\.(evidence|due_soon|overdue|assigned|approval_requested|decided)|rca\.file)$`)

// auditAction matches the audit actions the audit browser names in both languages.
var auditAction = regexp.MustCompile(`^feedback\.(create|transition|classify|respond|link_action)$|^observation\.(create|transition|triage|assign)$|^observation_sla\.update$|^call\.(create|update|import)$|^appreciation\.(create|send|acknowledge)$|^(auth|user|hospital|department|section|staff|patient|outbox|system|complaint)\.(create|update|import|export|transition|assign|explanation_request|explanation_answer|note|signin|signin_failed|signout|signout_others|set_password|reset_link|reset_password|change_password|preferences|requeue|backup|restore)$|^notify\.(provider\.save|public_url|template\.save|template\.reset|routes\.save|rules\.save|resend|test|opt_out)$|^survey\.(invite|bulk|export|settings)$|^survey_template\.(create|update|version)$|^survey_location\.(create|update)$|^integration\.(create|update)$|^his\.reprocess$|^journey\.save$|^action\.(create|status|approved|rejected|assign|evidence)$|^rca\.(create|update|transition|file)$|^routing_rule\.(create|update|delete|move)$|^action_settings\.update$`)

// TestEveryKeyInTheSourceIsTranslated reads every Go file of the product and checks that
// each message-key literal (and each dynamic family: roles, categories, staff kinds,
// error pages) has a catalog entry.
func TestEveryKeyInTheSourceIsTranslated(t *testing.T) {
	used := map[string]string{}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "px360-data") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s := strings.Trim(lit.Value, "`\"")
				if auditAction.MatchString(s) {
					used["audit."+s] = path
				}
				if keyPattern.MatchString(s) && !notMessages.MatchString(s) && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "_") {
					used[s] = path
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range app.Roles {
		used["role."+string(r)] = "app.Roles"
	}
	for _, c := range app.DepartmentCategories {
		used["category."+string(c)] = "app.DepartmentCategories"
	}
	for _, k := range app.StaffKinds {
		used["staff_kind."+string(k)] = "app.StaffKinds"
	}
	used["system.search_ready"], used["system.search_rebuilding"] = "search.Status", "search.Status"
	for _, code := range []string{"400", "403", "404", "429", "500", "503"} {
		used["error."+code+".title"], used["error."+code+".text"] = "ErrorPage", "ErrorPage"
	}
	for _, code := range []string{app.ENotFound, app.EForbidden, app.EInternal, app.ERateLimited, app.EUnauthorized} {
		used["err."+code] = "web.errorPage"
	}
	if len(used) < 150 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for key, where := range used {
		if _, ok := catalog[key]; !ok {
			t.Errorf("%s (used in %s) has no translation", key, where)
		}
	}
}

func TestPickLanguage(t *testing.T) {
	for header, want := range map[string]string{"": "en", "ar-SA,ar;q=0.9,en;q=0.8": "ar", "en-GB,en": "en", "fr-FR,ar;q=0.5": "ar", "de": "en"} {
		if got := PickLanguage(header); got != want {
			t.Errorf("PickLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestHijriDate(t *testing.T) {
	ramadan := time.Date(2024, 3, 11, 12, 0, 0, 0, time.UTC) // 1 Ramadan 1445 (Umm al-Qura)
	if got := HijriDate("en", ramadan); got != "1 Ramadan 1445 AH" {
		t.Errorf("en: %q", got)
	}
	if got := HijriDate("ar", ramadan); got != "1 رمضان 1445 هـ" {
		t.Errorf("ar: %q", got)
	}
}
