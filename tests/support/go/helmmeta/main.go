// helmmeta CHART.yaml CREATED: what helm push makes of a Chart.yaml, printed as two lines: the config blob
// (json.Marshal of the chart metadata after sigs.k8s.io/yaml.Unmarshal, apiVersion v1 by default and
// Validate's sanitizing) and the manifest annotations (generateOCIAnnotations), or "error: ..." when helm would
// refuse it. Types written for ocimirror's tests from helm's pkg/chart/v2/metadata.go and dependency.go (their
// json tags) and pkg/registry/chart.go; sigs.k8s.io/yaml and gopkg.in/yaml.v2 are Debian's, as helm uses them.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
}

var alias = regexp.MustCompile("^[a-zA-Z0-9_-]+$")

func validate(md *Metadata) string {
	for _, p := range []*string{&md.Name, &md.Description, &md.Home, &md.Icon, &md.Condition, &md.Tags, &md.AppVersion, &md.KubeVersion} {
		*p = sanitize(*p)
	}
	for i := range md.Sources {
		md.Sources[i] = sanitize(md.Sources[i])
	}
	for i := range md.Keywords {
		md.Keywords[i] = sanitize(md.Keywords[i])
	}
	switch {
	case md.Name == "":
		return "name is required"
	case md.Name == "." || md.Name == ".." || md.Name != filepath.Base(md.Name):
		return "name is invalid"
	case md.Version == "":
		return "version is required"
	case md.Type != "" && md.Type != "application" && md.Type != "library":
		return "bad type"
	}
	for _, m := range md.Maintainers {
		if m == nil {
			return "null maintainer"
		}
		m.Name, m.Email, m.URL = sanitize(m.Name), sanitize(m.Email), sanitize(m.URL)
	}
	for _, d := range md.Dependencies {
		if d == nil {
			return "null dependency"
		}
		d.Name, d.Version, d.Repository, d.Condition = sanitize(d.Name), sanitize(d.Version), sanitize(d.Repository), sanitize(d.Condition)
		for i := range d.Tags {
			d.Tags[i] = sanitize(d.Tags[i])
		}
		if d.Alias != "" && !alias.MatchString(d.Alias) {
			return "bad alias"
		}
	}
	return ""
}

func annotations(md *Metadata, created string) map[string]string {
	a := map[string]string{}
	add := func(k, v string) {
		if strings.TrimSpace(v) != "" {
			a[k] = v
		}
	}
	add("org.opencontainers.image.description", md.Description)
	add("org.opencontainers.image.title", md.Name)
	add("org.opencontainers.image.version", md.Version)
	add("org.opencontainers.image.url", md.Home)
	add("org.opencontainers.image.created", created)
	if len(md.Sources) > 0 {
		add("org.opencontainers.image.source", md.Sources[0])
	}
	if len(md.Maintainers) > 0 {
		var sb strings.Builder
		for i, m := range md.Maintainers {
			sb.WriteString(m.Name)
			if m.Email != "" {
				sb.WriteString(" (" + m.Email + ")")
			}
			if i < len(md.Maintainers)-1 {
				sb.WriteString(", ")
			}
		}
		add("org.opencontainers.image.authors", sb.String())
	}
	for k, v := range md.Annotations {
		if k != "org.opencontainers.image.version" && k != "org.opencontainers.image.title" {
			a[k] = v
		}
	}
	return a
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	md := new(Metadata)
	if err := yaml.Unmarshal(data, md); err != nil {
		fmt.Println("error:", err)
		return
	}
	if md.APIVersion == "" {
		md.APIVersion = "v1"
	}
	if why := validate(md); why != "" {
		fmt.Println("error:", why)
		return
	}
	config, _ := json.Marshal(md)
	ann, _ := json.Marshal(annotations(md, os.Args[2]))
	fmt.Println(string(config))
	fmt.Println(string(ann))
}
