package appliance

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"px360/app"
	"px360/app/web"
	"px360/store"
)

// PrepareSetup readies the first-run wizard when DATA has no user: it writes a new
// one-time setup code to DATA/setup-code (0600, for `px360 status`), logs it, and
// returns it. With users it removes a code left behind and returns "".
func (a *App) PrepareSetup(ctx context.Context) (string, error) {
	path := filepath.Join(a.cfg.DataDir, web.SetupCodeFile)
	p, err := a.Store.ListUsers(ctx, store.UserQuery{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 1}})
	if err != nil {
		return "", fmt.Errorf("look for users: %w", err)
	}
	if len(p.Items) > 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		return "", nil
	}
	code := web.NewSetupCode()
	if err := os.WriteFile(path, []byte(code+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the setup code: %w", err)
	}
	a.cfg.Log.Warn("setup code: "+code, "hint", "PX360 has no user yet: open /setup on this server, or from another machine with this code (also shown by `px360 status`)")
	return code, nil
}

// ReadSetupCode returns the setup code waiting in dataDir, "" when there is none.
func ReadSetupCode(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, web.SetupCodeFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}
