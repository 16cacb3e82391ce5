package install

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/kardianos/service"
)

// Service identity as registered with systemd / the Windows SCM.
const (
	serviceName        = "px360"
	serviceDisplayName = "PX360 Patient Experience"
	serviceDescription = "PX360 patient experience server: surveys, feedback and complaints for the hospital."
	// stopTimeout bounds how long Stop waits for run to return; service
	// managers kill slow services anyway, this just reports it.
	stopTimeout = 30 * time.Second
)

// ServiceConfig is what `px360 install` records in the service definition so
// the service manager starts `px360 serve` against the right DATA and address.
type ServiceConfig struct {
	DataDir    string // passed to serve as --data ("" = DefaultDataDir()); made absolute
	Addr       string // passed to serve as --addr ("" = omitted, serve's default)
	Executable string // path of the px360 binary ("" = os.Executable())
}

// NewService returns the kardianos service "px360" whose Arguments are
// ["serve","--data",DataDir,"--addr",Addr], so one binary both installs and
// runs itself under systemd (Restart=on-failure) or the Windows SCM
// (automatic start, restart on failure). run is what the service executes
// when started by the service manager; its context is cancelled on Stop.
func NewService(cfg ServiceConfig, run func(ctx context.Context) error) (service.Service, error) {
	if run == nil {
		return nil, errors.New("service: no run function")
	}
	sc, err := serviceConfig(cfg)
	if err != nil {
		return nil, err
	}
	svc, err := service.New(&program{run: run}, sc)
	if err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	return svc, nil
}

// serviceConfig builds the kardianos configuration from cfg.
func serviceConfig(cfg ServiceConfig) (*service.Config, error) {
	dataDir := cfg.DataDir
	if dataDir == "" {
		dataDir = DefaultDataDir()
	}
	// The service manager starts us in another working directory.
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("service: data directory: %w", err)
	}
	exe := cfg.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("service: locate px360 binary: %w", err)
		}
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return nil, fmt.Errorf("service: executable: %w", err)
	}
	args := []string{"serve", "--data", dataDir}
	if cfg.Addr != "" {
		args = append(args, "--addr", cfg.Addr)
	}
	sc := &service.Config{
		Name:        serviceName,
		DisplayName: serviceDisplayName,
		Description: serviceDescription,
		Arguments:   args,
		Executable:  exe,
		Option: service.KeyValue{
			// systemd
			"Restart": "on-failure",
			// Windows SCM
			"StartType":              "automatic",
			"OnFailure":              "restart",
			"OnFailureDelayDuration": "10s",
			"OnFailureResetPeriod":   86400,
		},
	}
	if runtime.GOOS == "linux" {
		// On Windows Dependencies are service names, so only set these here.
		sc.Dependencies = []string{"After=network-online.target", "Wants=network-online.target"}
	}
	return sc, nil
}

// program adapts run to service.Interface.
type program struct {
	run    func(ctx context.Context) error
	exit   func(code int) // os.Exit; replaced in tests
	logger service.Logger

	mu       sync.Mutex
	cancel   context.CancelFunc
	done     chan struct{}
	stopping bool
}

// Start launches run in a goroutine; it must not block. If run fails on its
// own (not because of Stop) the process exits 1 so the service manager's
// restart-on-failure policy kicks in.
func (p *program) Start(s service.Service) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done != nil {
		return errors.New("px360 service already started")
	}
	if s != nil && p.logger == nil {
		p.logger, _ = s.Logger(nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done, p.stopping = cancel, make(chan struct{}), false
	go func(done chan struct{}) {
		defer close(done)
		err := p.run(ctx)
		p.mu.Lock()
		stopping := p.stopping
		p.mu.Unlock()
		if stopping {
			return
		}
		if err != nil {
			if p.logger != nil {
				_ = p.logger.Errorf("px360 stopped with error: %v", err)
			}
			p.doExit(1)
			return
		}
		// run returned on its own without error: end the process cleanly.
		p.doExit(0)
	}(p.done)
	return nil
}

// Stop cancels run's context and waits up to stopTimeout for it to return.
func (p *program) Stop(service.Service) error {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.stopping = true
	p.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		p.mu.Lock()
		p.cancel, p.done = nil, nil
		p.mu.Unlock()
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("px360 did not stop within %s", stopTimeout)
	}
}

func (p *program) doExit(code int) {
	if p.exit != nil {
		p.exit(code)
		return
	}
	os.Exit(code)
}

// Control performs action ("install", "uninstall", "start", "stop",
// "status") on svc and returns a human line to print, so the CLI needs no
// knowledge of kardianos; status yields "running", "stopped" or
// "not installed".
func Control(svc service.Service, action string) (string, error) {
	var err error
	switch action {
	case "install":
		if err = svc.Install(); err == nil {
			return "installed service " + svc.String(), nil
		}
	case "uninstall":
		// Stop first so no orphan process keeps DATA locked; ignore errors
		// (it may not be running).
		if st, serr := svc.Status(); serr == nil && st == service.StatusRunning {
			_ = svc.Stop()
		}
		if err = svc.Uninstall(); err == nil {
			return "uninstalled service " + svc.String(), nil
		}
	case "start":
		if err = svc.Start(); err == nil {
			return "started", nil
		}
	case "stop":
		if err = svc.Stop(); err == nil {
			return "stopped", nil
		}
	case "status":
		st, serr := svc.Status()
		switch {
		case errors.Is(serr, service.ErrNotInstalled):
			return "not installed", nil
		case serr != nil:
			err = serr
		case st == service.StatusRunning:
			return "running", nil
		case st == service.StatusStopped:
			return "stopped", nil
		default:
			return "unknown", nil
		}
	default:
		return "", fmt.Errorf("unknown service action %q (want install, uninstall, start, stop or status)", action)
	}
	if errors.Is(err, service.ErrNotInstalled) {
		return "", fmt.Errorf("%s: px360 service is not installed: %w", action, err)
	}
	return "", fmt.Errorf("%s px360 service: %w", action, err)
}
