package install

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kardianos/service"
)

func TestServiceConfig(t *testing.T) {
	abs, _ := filepath.Abs("rel-data")
	tests := []struct {
		name     string
		cfg      ServiceConfig
		wantArgs []string
	}{
		{"data and addr passed to serve", ServiceConfig{DataDir: abs, Addr: ":8080", Executable: abs + "-bin"},
			[]string{"serve", "--data", abs, "--addr", ":8080"}},
		{"relative data dir made absolute", ServiceConfig{DataDir: "rel-data", Addr: "127.0.0.1:80", Executable: abs + "-bin"},
			[]string{"serve", "--data", abs, "--addr", "127.0.0.1:80"}},
		{"empty data dir uses default, empty addr omitted", ServiceConfig{Executable: abs + "-bin"},
			[]string{"serve", "--data", mustAbs(t, DefaultDataDir())}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := serviceConfig(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(sc.Arguments, "|") != strings.Join(tt.wantArgs, "|") {
				t.Errorf("Arguments = %q, want %q", sc.Arguments, tt.wantArgs)
			}
			if sc.Name != "px360" || sc.DisplayName != "PX360 Patient Experience" || sc.Description == "" {
				t.Errorf("identity = %q/%q/%q", sc.Name, sc.DisplayName, sc.Description)
			}
			if sc.Executable != abs+"-bin" {
				t.Errorf("Executable = %q", sc.Executable)
			}
			for k, v := range map[string]any{"Restart": "on-failure", "StartType": "automatic", "OnFailure": "restart"} {
				if sc.Option[k] != v {
					t.Errorf("Option[%s] = %v, want %v", k, sc.Option[k], v)
				}
			}
			if runtime.GOOS != "linux" && len(sc.Dependencies) != 0 {
				t.Errorf("Dependencies set on %s: %v", runtime.GOOS, sc.Dependencies)
			}
		})
	}
	t.Run("empty executable means this binary", func(t *testing.T) {
		sc, err := serviceConfig(ServiceConfig{DataDir: abs})
		if err != nil || !filepath.IsAbs(sc.Executable) {
			t.Fatalf("Executable = %q, err %v", sc.Executable, err)
		}
	})
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestProgramStartStop(t *testing.T) {
	t.Run("Stop cancels run and waits for it", func(t *testing.T) {
		var finished atomic.Bool
		p := &program{run: func(ctx context.Context) error {
			<-ctx.Done()
			time.Sleep(50 * time.Millisecond) // graceful shutdown work
			finished.Store(true)
			return ctx.Err()
		}, exit: func(code int) { t.Errorf("exit(%d) called on a requested stop", code) }}
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Stop(nil); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		if !finished.Load() {
			t.Fatal("Stop returned before run finished")
		}
	})
	t.Run("run failing on its own exits 1 for restart-on-failure", func(t *testing.T) {
		codes := make(chan int, 1)
		p := &program{run: func(context.Context) error { return errors.New("listen: address in use") },
			exit: func(code int) { codes <- code }}
		if err := p.Start(nil); err != nil {
			t.Fatal(err)
		}
		select {
		case c := <-codes:
			if c != 1 {
				t.Fatalf("exit code %d, want 1", c)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("exit not called")
		}
	})
	t.Run("Stop before Start is a no-op", func(t *testing.T) {
		p := &program{run: func(context.Context) error { return nil }}
		if err := p.Stop(nil); err != nil {
			t.Fatal(err)
		}
	})
}

// fakeService records calls and returns canned results.
type fakeService struct {
	status    service.Status
	statusErr error
	err       error
	calls     []string
}

func (f *fakeService) Run() error                                  { return nil }
func (f *fakeService) Start() error                                { f.calls = append(f.calls, "start"); return f.err }
func (f *fakeService) Stop() error                                 { f.calls = append(f.calls, "stop"); return f.err }
func (f *fakeService) Restart() error                              { f.calls = append(f.calls, "restart"); return f.err }
func (f *fakeService) Install() error                              { f.calls = append(f.calls, "install"); return f.err }
func (f *fakeService) Uninstall() error                            { f.calls = append(f.calls, "uninstall"); return f.err }
func (f *fakeService) Logger(chan<- error) (service.Logger, error) { return nil, nil }
func (f *fakeService) SystemLogger(chan<- error) (service.Logger, error) {
	return nil, nil
}
func (f *fakeService) String() string   { return "px360" }
func (f *fakeService) Platform() string { return "fake" }
func (f *fakeService) Status() (service.Status, error) {
	return f.status, f.statusErr
}

func TestControl(t *testing.T) {
	tests := []struct {
		name      string
		svc       *fakeService
		action    string
		want      string
		wantErr   string
		wantCalls string
	}{
		{"status running", &fakeService{status: service.StatusRunning}, "status", "running", "", ""},
		{"status stopped", &fakeService{status: service.StatusStopped}, "status", "stopped", "", ""},
		{"status not installed", &fakeService{statusErr: service.ErrNotInstalled}, "status", "not installed", "", ""},
		{"status other error", &fakeService{statusErr: errors.New("dbus down")}, "status", "", "dbus down", ""},
		{"install", &fakeService{}, "install", "installed service px360", "", "install"},
		{"install fails", &fakeService{err: errors.New("permission denied")}, "install", "", "install px360 service: permission denied", "install"},
		{"start", &fakeService{}, "start", "started", "", "start"},
		{"stop", &fakeService{}, "stop", "stopped", "", "stop"},
		{"uninstall stops a running service first", &fakeService{status: service.StatusRunning}, "uninstall", "uninstalled service px360", "", "stop,uninstall"},
		{"uninstall of a stopped service", &fakeService{status: service.StatusStopped}, "uninstall", "uninstalled service px360", "", "uninstall"},
		{"start when not installed", &fakeService{err: service.ErrNotInstalled}, "start", "", "not installed", "start"},
		{"unknown action", &fakeService{}, "restart-all", "", "unknown service action", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Control(tt.svc, tt.action)
			if got != tt.want {
				t.Errorf("line = %q, want %q", got, tt.want)
			}
			if (err != nil) != (tt.wantErr != "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want containing %q", err, tt.wantErr)
			}
			if c := strings.Join(tt.svc.calls, ","); c != tt.wantCalls {
				t.Errorf("calls = %q, want %q", c, tt.wantCalls)
			}
		})
	}
}
