// extract prints, as JSON lines, every log and error message format string in the kubelet start-up and
// registration paths of one Kubernetes release (and the cAdvisor release it pins): the klog/glog printf
// calls, klog InfoS/ErrorS and logr Info/Error calls (message + keys), and the error constructors
// (fmt.Errorf, errors.New, pkg/errors Wrap/Wrapf/Errorf, grpc status.Errorf, fmt.Sprintf) whose text
// reaches "failed to run Kubelet: …" or another logged error. Only the standard library is used: it
// parses the sources, it never builds them.
//
// Usage: go run ./scripts/catalogue/extract -version 1.20.15 -k8s DIR [-cadvisor DIR]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Entry is one call site with a format string.
type Entry struct {
	Version string   `json:"version"`
	Module  string   `json:"module"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Func    string   `json:"func,omitempty"`
	Call    string   `json:"call"`
	Level   string   `json:"level"` // I W E F, or "err" for an error constructor
	V       int      `json:"v,omitempty"`
	Style   string   `json:"style"` // printf | print | structured | error
	Format  string   `json:"format"`
	Keys    []string `json:"keys,omitempty"`
	HasErr  bool     `json:"hasErr,omitempty"`
}

// Paths walked in k8s.io/kubernetes (directories walked recursively unless they end in a file name).
var k8sPaths = []string{
	"cmd/kubelet/",
	"pkg/kubelet/kubelet.go", "pkg/kubelet/kubelet_node_status.go", "pkg/kubelet/kubelet_network.go",
	"pkg/kubelet/kubelet_network_linux.go", "pkg/kubelet/kubelet_getters.go",
	"pkg/kubelet/nodestatus/", "pkg/kubelet/cm/", "pkg/kubelet/eviction/", "pkg/kubelet/oom/",
	"pkg/kubelet/oom_watcher.go", "pkg/kubelet/oom_watcher_linux.go",
	"pkg/kubelet/kuberuntime/kuberuntime_manager.go", "pkg/kubelet/remote/", "pkg/kubelet/cri/remote/",
	"pkg/kubelet/util/util_unix.go", "pkg/kubelet/util/swap/",
	"pkg/kubelet/certificate/", "pkg/kubelet/server/server.go", "pkg/kubelet/server/auth.go",
	"pkg/kubelet/apis/config/validation/", "pkg/kubelet/apis/kubeletconfig/validation/",
	"pkg/kubelet/cadvisor/", "pkg/kubelet/kubeletconfig/configfiles/", "pkg/kubelet/kubeletconfig/util/codec/",
	"pkg/kubelet/kubeletconfig/controller.go", "pkg/kubelet/config/config.go", "pkg/kubelet/config/file.go",
	"pkg/kubelet/config/file_linux.go", "pkg/kubelet/config/apiserver.go",
	"pkg/kubelet/pleg/generic.go", "pkg/kubelet/pleg/evented.go",
	"pkg/kubelet/images/image_gc_manager.go", "pkg/kubelet/stats/", "pkg/kubelet/server/stats/summary.go",
	"pkg/kubelet/server/stats/summary_sys_containers.go",
	"pkg/kubelet/dockershim/docker_service.go", "pkg/kubelet/dockershim/network/cni/cni.go",
	"pkg/kubelet/network/cni/cni.go", "pkg/kubelet/dockershim/remote/",
	"pkg/kubelet/nodelease/", "pkg/kubelet/runtime.go", "pkg/kubelet/kubelet_node_status_others.go",
	"pkg/util/flag/", "pkg/util/oom/", "pkg/util/sysctl/", "pkg/util/procfs/",
	"staging/src/k8s.io/component-base/cli/", "staging/src/k8s.io/component-base/featuregate/",
	"staging/src/k8s.io/component-base/logs/", "staging/src/k8s.io/component-base/version/verflag/",
	"staging/src/k8s.io/client-go/util/certificate/", "staging/src/k8s.io/client-go/tools/clientcmd/validation.go",
	"staging/src/k8s.io/client-go/tools/clientcmd/client_config.go", "staging/src/k8s.io/client-go/tools/clientcmd/loader.go",
	"staging/src/k8s.io/client-go/transport/cert_rotation.go", "staging/src/k8s.io/client-go/util/cert/",
	"staging/src/k8s.io/cri-client/pkg/", "staging/src/k8s.io/kubelet/pkg/cri/",
	"staging/src/k8s.io/component-helpers/node/util/sysctl/",
}

// Paths walked in github.com/google/cadvisor.
var cadvisorPaths = []string{
	"manager/manager.go", "manager/container.go", "manager/watcher/", "fs/", "utils/oomparser/",
	"container/common/", "container/raw/", "machine/", "utils/sysfs/", "utils/sysinfo/",
	"container/containerd/factory.go", "container/crio/factory.go", "container/docker/factory.go",
	"container/systemd/factory.go", "container/factory.go", "watcher/",
	// cadvisor/lib (v0.56+): the same packages under lib/
}

var skipSuffix = []string{"_test.go", "_windows.go", "_unsupported.go", "_darwin.go", "_freebsd.go", "_others.go", "_fake.go", "zz_generated.deepcopy.go", ".pb.go"}

func skipFile(rel string) bool {
	for _, s := range skipSuffix {
		if strings.HasSuffix(rel, s) {
			return true
		}
	}
	base := filepath.Base(rel)
	if strings.HasPrefix(base, "fake_") || strings.HasPrefix(base, "testing") {
		return true
	}
	for _, seg := range strings.Split(filepath.Dir(rel), "/") {
		if seg == "testing" || seg == "testdata" || seg == "fake" || seg == "testutil" || seg == "windows" {
			return true
		}
	}
	return false
}

// staging maps k8s.io/<name> to the directory of that staging module, for releases whose zip leaves it out.
var staging = map[string]string{}

type stagingFlag struct{}

func (stagingFlag) String() string { return "" }
func (stagingFlag) Set(v string) error {
	k, d, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want k8s.io/name=DIR, got %q", v)
	}
	staging[strings.TrimPrefix(k, "k8s.io/")] = d // k8s.io/<name>, or a full module path (github.com/spf13/pflag)
	return nil
}

// resolve maps a walked path to the file system: staging/src/k8s.io/<name>/… is read from the staging
// module when the release's own tree does not hold it.
func resolve(root, rel string) string {
	full := filepath.Join(root, rel)
	if _, err := os.Stat(full); err == nil || !strings.HasPrefix(rel, "staging/src/k8s.io/") {
		return full
	}
	rest := strings.TrimPrefix(rel, "staging/src/k8s.io/")
	name, tail, _ := strings.Cut(rest, "/")
	if d, ok := staging[name]; ok {
		return filepath.Join(d, tail)
	}
	return full
}

func files(root string, paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		full := resolve(root, p)
		st, err := os.Stat(full)
		if err != nil {
			continue
		}
		if !st.IsDir() {
			if !seen[p] && strings.HasSuffix(p, ".go") && !skipFile(p) {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		filepath.Walk(full, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			sub, _ := filepath.Rel(full, path)
			rel := filepath.Join(p, sub)
			if !seen[rel] && !skipFile(rel) {
				seen[rel] = true
				out = append(out, rel)
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// pkgStrings: package-level string constants and variables per directory, for formats held in a name.
func pkgStrings(fset *token.FileSet, root string, dirs map[string]bool) map[string]map[string]string {
	out := map[string]map[string]string{}
	for dir := range dirs {
		m := map[string]string{}
		ents, _ := os.ReadDir(resolve(root, dir))
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(resolve(root, dir), e.Name()), nil, 0)
			if err != nil {
				continue
			}
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
					continue
				}
				for _, s := range gd.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if str, ok := literal(vs.Values[i], nil); ok {
								m[n.Name] = str
							}
						}
					}
				}
			}
		}
		out[dir] = m
	}
	return out
}

// literal resolves a string literal, a concatenation of literals, or a name bound to one.
func literal(e ast.Expr, names map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, ok1 := literal(x.X, names)
			b, ok2 := literal(x.Y, names)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return literal(x.X, names)
	case *ast.Ident:
		if names != nil {
			s, ok := names[x.Name]
			return s, ok
		}
	}
	return "", false
}

// chain returns the root identifier of a selector/call chain (klog in klog.V(2).Infof) and the V level.
func chain(e ast.Expr) (root string, v int, hasV bool, viaCall bool) {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name, v, hasV, viaCall
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "V" && len(x.Args) == 1 {
				hasV = true
				if bl, ok := x.Args[0].(*ast.BasicLit); ok {
					v, _ = strconv.Atoi(bl.Value)
				} else if ce, ok := x.Args[0].(*ast.CallExpr); ok && len(ce.Args) == 1 {
					if bl, ok := ce.Args[0].(*ast.BasicLit); ok {
						v, _ = strconv.Atoi(bl.Value)
					}
				}
			} else {
				viaCall = true // klog.Background().Info, klog.FromContext(ctx).Error: a logr.Logger
			}
			e = x.Fun
		default:
			return "", v, hasV, viaCall
		}
	}
}

var klogLevels = map[string]string{
	"Info": "I", "Infof": "I", "Infoln": "I", "InfoDepth": "I",
	"Warning": "W", "Warningf": "W", "Warningln": "W", "WarningDepth": "W",
	"Error": "E", "Errorf": "E", "Errorln": "E", "ErrorDepth": "E",
	"Fatal": "F", "Fatalf": "F", "Fatalln": "F", "Exit": "F", "Exitf": "F", "Exitln": "F", "FatalDepth": "F",
	"InfoS": "I", "ErrorS": "E", "InfoSDepth": "I", "ErrorSDepth": "E",
}

func main() {
	version := flag.String("version", "", "release version, e.g. 1.20.15")
	k8s := flag.String("k8s", "", "k8s.io/kubernetes module directory")
	cadvisor := flag.String("cadvisor", "", "github.com/google/cadvisor module directory")
	flag.Var(stagingFlag{}, "staging", "k8s.io/<name>=DIR: a staging module's directory (repeatable)")
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	run := func(module, root string, paths []string) {
		fset := token.NewFileSet()
		list := files(root, paths)
		dirs := map[string]bool{}
		for _, f := range list {
			dirs[filepath.Dir(f)] = true
		}
		consts := pkgStrings(fset, root, dirs)
		for _, rel := range list {
			f, err := parser.ParseFile(fset, resolve(root, rel), nil, 0)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", rel, err)
				continue
			}
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				fname := fd.Name.Name
				if fd.Recv != nil && len(fd.Recv.List) == 1 {
					t := fd.Recv.List[0].Type
					if st, ok := t.(*ast.StarExpr); ok {
						t = st.X
					}
					if id, ok := t.(*ast.Ident); ok {
						fname = id.Name + "." + fname
					}
				}
				names := map[string]string{}
				for k, v := range consts[filepath.Dir(rel)] {
					names[k] = v
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
						for i, l := range as.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								if s, ok := literal(as.Rhs[i], names); ok {
									names[id.Name] = s
								}
							}
						}
					}
					if ds, ok := n.(*ast.DeclStmt); ok {
						if gd, ok := ds.Decl.(*ast.GenDecl); ok {
							for _, s := range gd.Specs {
								if vs, ok := s.(*ast.ValueSpec); ok {
									for i, nm := range vs.Names {
										if i < len(vs.Values) {
											if s, ok := literal(vs.Values[i], names); ok {
												names[nm.Name] = s
											}
										}
									}
								}
							}
						}
					}
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					e := Entry{Version: *version, Module: module, File: rel, Line: fset.Position(call.Pos()).Line, Func: fname}
					name := sel.Sel.Name
					root, v, hasV, viaCall := chain(sel.X)
					if viaCall && (root == "klog" || root == "glog") && (name == "Info" || name == "Error") {
						root = "logger" // a logr.Logger obtained from klog: structured
					}
					e.V = v
					args := call.Args
					switch {
					case root == "fmt" && (name == "Errorf" || name == "Sprintf") && !hasV:
						e.Call, e.Level, e.Style = "fmt."+name, "err", "error"
					case root == "errors" && (name == "New" || name == "Errorf") && !hasV:
						e.Call, e.Level, e.Style = "errors."+name, "err", "error"
					case root == "errors" && (name == "Wrap" || name == "Wrapf") && len(args) >= 2:
						e.Call, e.Level, e.Style = "errors."+name, "err", "error"
						args = args[1:]
					case root == "status" && name == "Errorf" && len(args) >= 2:
						e.Call, e.Level, e.Style = "status.Errorf", "err", "error"
						args = args[1:]
					case name == "failf" && !hasV:
						// pflag's FlagSet.failf(format, …): builds the parse error it returns (and prints)
						e.Call, e.Level, e.Style = "pflag.failf", "err", "error"
					case (name == "HandleErrorWithContext" || name == "HandleErrorWithLogger") && len(args) >= 3:
						e.Call, e.Level, e.Style, e.HasErr = "utilruntime."+name, "E", "structured", true
						args = args[2:]
					case root == "klog" || root == "glog":
						lvl, ok := klogLevels[name]
						if !ok {
							return true
						}
						e.Call, e.Level = root+"."+name, lvl
						switch {
						case strings.HasSuffix(name, "S") || strings.HasSuffix(name, "SDepth"):
							e.Style = "structured"
							if strings.HasSuffix(name, "Depth") && len(args) > 0 {
								args = args[1:]
							}
							if strings.HasPrefix(name, "Error") && len(args) > 0 {
								e.HasErr = !isNil(args[0])
								args = args[1:]
							}
						case strings.HasSuffix(name, "f"):
							e.Style = "printf"
						default:
							e.Style = "print"
							if strings.HasSuffix(name, "Depth") && len(args) > 0 {
								args = args[1:]
							}
						}
					default:
						// logr: logger.Info(msg, kv...), logger.Error(err, msg, kv...), logger.V(n).Info(...)
						if root == "" || (name != "Info" && name != "Error") {
							return true
						}
						lr := strings.ToLower(root)
						if !(strings.Contains(lr, "log") || root == "l" || root == "lg") {
							return true
						}
						e.Call, e.Style = "logr."+name, "structured"
						if name == "Error" {
							e.Level = "E"
							if len(args) == 0 {
								return true
							}
							e.HasErr = !isNil(args[0])
							args = args[1:]
						} else {
							e.Level = "I"
						}
					}
					if len(args) == 0 {
						return true
					}
					if e.Style == "print" {
						var b strings.Builder
						for _, a := range args {
							if s, ok := literal(a, names); ok {
								b.WriteString(s)
							} else {
								b.WriteString("%v")
							}
						}
						e.Format = b.String()
						if !strings.ContainsAny(e.Format, "abcdefghijklmnopqrstuvwxyz") {
							return true
						}
					} else {
						s, ok := literal(args[0], names)
						if !ok {
							return true
						}
						e.Format = s
						if e.Style == "structured" {
							for i := 1; i < len(args); i += 2 {
								if k, ok := literal(args[i], names); ok {
									e.Keys = append(e.Keys, k)
								} else {
									e.Keys = append(e.Keys, "?")
								}
							}
						}
					}
					if strings.TrimSpace(e.Format) == "" || (e.Call == "fmt.Sprintf" && !strings.ContainsAny(e.Format, " ")) {
						return true
					}
					enc.Encode(e)
					return true
				})
			}
		}
	}
	if *k8s != "" {
		run("k8s.io/kubernetes", *k8s, k8sPaths)
	}
	if d, ok := staging["github.com/spf13/pflag"]; ok {
		// pflag's parse errors (unknown flag, bad syntax, invalid argument), printed before logging starts
		run("github.com/spf13/pflag", d, []string{"flag.go", "errors.go"})
	}
	if *cadvisor != "" {
		paths := cadvisorPaths
		if _, err := os.Stat(filepath.Join(*cadvisor, "lib")); err == nil {
			for _, p := range cadvisorPaths {
				paths = append(paths, "lib/"+p)
			}
		}
		run("github.com/google/cadvisor", *cadvisor, paths)
	}
}

func isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}
