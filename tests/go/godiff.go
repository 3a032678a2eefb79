// godiff — the differential test of netrepl's parse and mask against Go's
// net package (standard library only; Go 1.19 as Debian ships it).
//
//	godiff gen SEED N DIR     writes DIR/cmds.nr (one netrepl command a line,
//	                          N of them, from a seeded generator) and
//	                          DIR/go.jsonl (what Go's net says, one per line)
//	godiff compare DIR        reads DIR/go.jsonl and DIR/nr.jsonl (netrepl
//	                          --json -k on cmds.nr) and reports
//
// Every field netrepl shows that Go's net package also computes is compared:
// ParseIP (String, 4 or 16 bytes, To4, IsGlobalUnicast, IsPrivate,
// IsLoopback, IsMulticast, IsLinkLocal*), DefaultMask (String, Size),
// ParseCIDR (IP, IPNet.String, Mask.String, Size), IP.Mask with a given mask.
// Differences netrepl makes on purpose, and documents, are the known
// exceptions below, each with its reason; any other difference fails.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// One generated case: the netrepl command and what Go says about it.
type want struct {
	Cmd    string            `json:"cmd"`    // parse, mask
	Input  string            `json:"input"`  // the command line
	OK     bool              `json:"ok"`     // Go accepts it
	Fields map[string]string `json:"fields"` // netrepl JSON key -> Go's value
	// Known exceptions: netrepl differs here on purpose (keys into exceptions).
	Except []string `json:"except,omitempty"`
	// Compared with a model built from Go's functions rather than one call
	// (key into models); a difference from the model is a difference.
	Model string `json:"model,omitempty"`
}

// What each exception excuses: the listed fields, or (none listed) that one
// side accepts what the other rejects. Anything else must still match.
var excuses = map[string][]string{
	"cidr-noncontiguous": {"cidr"},
	"zone-mapped":        {"address"},
}

var models = map[string]string{
	"zone": "an IPv6 %zone: Go's ParseIP and ParseCIDR take none, netrepl does (README: " +
		"\"plus IPv6 zones\"); compared with Go's splitHostZone (the last '%') + ParseIP, " +
		"as Go's Resolve*Addr read host%zone",
}

var exceptions = map[string]string{
	"cidr-noncontiguous": "no CIDR (null) for a non-contiguous mask (README); Go's " +
		"IPNet.String writes network/hexmask",
	"zone-long": "a zone is at most 31 bytes in netrepl (NR_ZONELEN); Go has no limit",
	"zone-mapped": "a zoned IPv4-mapped address keeps its IPv6 form, ::ffff:e000:1%eth0 " +
		"(README: a zone belongs to IPv6); Go's IPAddr.String writes 224.0.0.1%eth0, " +
		"which nothing parses back",
	"slash-form": "after '/', netrepl also takes a dotted, IPv6-form or hex mask (README: " +
		"\"ADDR/MASK works too\"); Go's ParseCIDR takes decimal only",
	"v4-wide-mask": "netrepl applies a mask to the 4-byte form of a dotted IPv4 address " +
		"(Go's To4()), where IP.Mask takes a 16-byte mask only if its first 96 bits are " +
		"ones (README); Go's 16-byte ParseIP form takes any 16-byte mask",
}

// ---- what Go says ----

func hexs(b []byte) string {
	return fmt.Sprintf("%x", []byte(b))
}

// ipFields: what netrepl's parse shows, in Go's terms. dotted: the text has
// no ':' (netrepl shows 4 bytes, as Go's To4(); ParseIP keeps 16).
func ipFields(ip net.IP, zone string, dotted bool) map[string]string {
	f := map[string]string{}
	s := ip.String()
	if zone != "" {
		s += "%" + zone
	}
	f["address"] = s
	b := []byte(ip)
	if dotted {
		b = ip.To4()
	}
	f["length"] = strconv.Itoa(len(b))
	f["bytes"] = hexs(b)
	f["ipv4_mapped"] = strconv.FormatBool(!dotted && ip.To4() != nil)
	f["global_unicast"] = strconv.FormatBool(ip.IsGlobalUnicast())
	f["private"] = strconv.FormatBool(ip.IsPrivate())
	f["loopback"] = strconv.FormatBool(ip.IsLoopback())
	f["multicast"] = strconv.FormatBool(ip.IsMulticast())
	f["link_local"] = strconv.FormatBool(ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast())
	if m := ip.DefaultMask(); m != nil {
		ones, _ := m.Size()
		f["default_mask"] = net.IP(m).String()
		f["default_mask_hex"] = m.String()
		f["default_prefix"] = strconv.Itoa(ones)
	} else {
		f["default_mask"], f["default_mask_hex"], f["default_prefix"] = "null", "null", "null"
	}
	return f
}

// splitZone: Go's splitHostZone (the zone starts after the last '%').
func splitZone(s string) (string, string) {
	if i := strings.LastIndexByte(s, '%'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// parseZone: an address as netrepl takes it, Go's way: ParseIP, or (the
// "zone" model) an IPv6 literal with a zone after the last '%'. except:
// the exception that applies.
func parseZone(s string) (ip net.IP, zone, model, except string) {
	if !strings.Contains(s, "%") {
		return net.ParseIP(s), "", "", ""
	}
	h, z := splitZone(s)
	ip = net.ParseIP(h)
	if ip == nil || z == "" || !strings.Contains(h, ":") {
		return nil, "", "zone", ""
	}
	if len(z) > 31 {
		except = "zone-long"
	} else if ip.To4() != nil {
		except = "zone-mapped"
	}
	return ip, z, "zone", except
}

func wantParse(s string) want {
	w := want{Cmd: "parse", Input: "parse '" + s + "'"}
	ip, zone, model, ex := parseZone(s)
	w.Model = model
	w.except(ex)
	if ip == nil {
		return w
	}
	w.OK = true
	w.Fields = ipFields(ip, zone, !strings.Contains(s, ":"))
	return w
}

// maskFields: what netrepl's mask shows for ip under m, in Go's terms.
func maskFields(ip net.IP, m net.IPMask) map[string]string {
	f := map[string]string{}
	nw := ip.Mask(m)
	ones, bits := m.Size()
	f["address"] = ip.String()
	f["mask_hex"] = m.String()
	f["ones"] = strconv.Itoa(ones)
	f["bits"] = strconv.Itoa(bits)
	f["network"] = nw.String()
	f["cidr"] = (&net.IPNet{IP: nw, Mask: m}).String()
	if len(m) == 4 {
		f["mask"] = net.IP(m).String()
	}
	return f
}

func wantCIDR(s string) want {
	w := want{Cmd: "mask", Input: "mask '" + s + "'"}
	ip, nw, err := net.ParseCIDR(s)
	if err != nil {
		// What netrepl takes beyond ParseCIDR: a zone, other mask forms.
		i := strings.LastIndexByte(s, '/')
		if i < 0 {
			return w
		}
		a, suffix := s[:i], s[i+1:]
		if suffix != "" && strings.Trim(suffix, "0123456789") != "" {
			w.except("slash-form")
			return w
		}
		if !strings.Contains(a, "%") {
			return w
		}
		// The zone model: ParseCIDR of the address without its zone.
		h, z := splitZone(a)
		ip, nw, err = net.ParseCIDR(h + "/" + suffix)
		w.Model = "zone"
		if err != nil || z == "" || !strings.Contains(h, ":") {
			return w
		}
		if len(z) > 31 {
			w.except("zone-long")
		} else if ip.To4() != nil {
			w.except("zone-mapped")
		}
		w.OK = true
		w.Fields = maskFields(ip, nw.Mask)
		w.Fields["address"] += "%" + z
		w.Fields["network"] = nw.IP.String()
		w.Fields["cidr"] = nw.String()
		return w
	}
	w.OK = true
	w.Fields = maskFields(ip, nw.Mask)
	// ParseCIDR's IP and IPNet: the network as Go gives it.
	w.Fields["network"] = nw.IP.String()
	w.Fields["cidr"] = nw.String()
	return w
}

// wantMask: `mask ADDR MASK` (mtext "": the default mask).
func wantMask(addr, mtext string, m net.IPMask) want {
	w := want{Cmd: "mask", Input: "mask '" + addr + "'"}
	if mtext != "" {
		w.Input += " '" + mtext + "'"
	}
	ip, zone, model, ex := parseZone(addr)
	w.Model = model
	w.except(ex)
	if ip == nil {
		return w
	}
	if mtext == "" {
		m = ip.DefaultMask()
		if m == nil {
			return w
		}
	}
	if ip.Mask(m) == nil {
		return w
	}
	dotted := !strings.Contains(addr, ":")
	if dotted && len(m) == 16 && ip.To4().Mask(m) == nil {
		// Go's 16-byte form takes it; netrepl's 4-byte form does not.
		w.except("v4-wide-mask")
	}
	w.OK = true
	w.Fields = maskFields(ip, m)
	if zone != "" {
		w.Fields["address"] += "%" + zone
	}
	return w
}

// ---- the generator ----

type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g gen) octet() string {
	switch g.r.Intn(20) {
	case 0:
		return "0" + strconv.Itoa(g.r.Intn(256)) // leading zero
	case 1:
		return strconv.Itoa(256 + g.r.Intn(800))
	case 2:
		return g.pick("", "00", "-1", "1a", "0x1", " 1", "1 ")
	default:
		return strconv.Itoa(g.pick3())
	}
}

func (g gen) pick3() int {
	return []int{0, 1, 10, 127, 128, 169, 172, 192, 224, 239, 240, 254, 255, g.r.Intn(256), g.r.Intn(256)}[g.r.Intn(15)]
}

func (g gen) v4() string {
	n := 4
	if g.r.Intn(15) == 0 {
		n = 3 + 2*g.r.Intn(2) // 3 or 5 parts
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.octet()
	}
	if g.r.Intn(4) > 0 { // mostly valid
		for i := range parts {
			parts[i] = strconv.Itoa(g.pick3())
		}
		if n != 4 {
			parts = parts[:3]
		}
	}
	return strings.Join(parts, ".")
}

// A plausible special address, valid.
func (g gen) special() string {
	return g.pick("127.0.0.1", "0.0.0.0", "255.255.255.255", "10.1.2.3", "172.16.0.1",
		"172.31.255.255", "172.32.0.1", "192.168.1.1", "169.254.1.1", "224.0.0.1",
		"224.0.0.255", "239.255.255.250", "100.64.0.1", "198.18.0.1", "192.0.2.1",
		"::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fd12:3456::1", "ff02::1",
		"ff01::1", "ff05::2", "ff0e::1", "2001:db8::68", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"::ffff:169.254.0.1", "::ffff:224.0.0.1", "::127.0.0.1", "64:ff9b::1.2.3.4",
		"2404:6800:4007:818::2004", "::ffff:0:0", "::ffff:255.255.255.255", "1::", "::2:3")
}

func (g gen) group() string {
	switch g.r.Intn(25) {
	case 0:
		return "12345"
	case 1:
		return "g"
	case 2:
		return ""
	case 3:
		return "0000"
	case 4:
		return "FFFF"
	}
	v := []int{0, 0, 0, 1, 0xffff, 0xfe80, 0xff02, 0x2001, 0xdb8, 0xfc00, 0xfd00, g.r.Intn(0x10000)}[g.r.Intn(12)]
	f := g.pick("%x", "%x", "%04x", "%X")
	return fmt.Sprintf(f, v)
}

func (g gen) v6() string {
	groups := 8
	if g.r.Intn(12) == 0 {
		groups = 7 + 2*g.r.Intn(2)
	}
	var parts []string
	for i := 0; i < groups; i++ {
		parts = append(parts, g.group())
	}
	if g.r.Intn(3) > 0 { // mostly valid groups
		for i := range parts {
			parts[i] = fmt.Sprintf("%x", []int{0, 0, 1, 0xffff, 0xfe80, 0xff02, 0x2001, 0xdb8, g.r.Intn(0x10000)}[g.r.Intn(9)])
		}
		parts = parts[:8]
		if g.r.Intn(3) == 0 { // embedded IPv4
			parts = append(parts[:6], g.v4())
		}
	}
	s := strings.Join(parts, ":")
	if g.r.Intn(2) == 0 { // compress a run
		i := g.r.Intn(len(parts))
		j := i + g.r.Intn(len(parts)-i)
		s = strings.Join(parts[:i], ":") + "::" + strings.Join(parts[j:], ":")
		if g.r.Intn(20) == 0 {
			s += "::"
		}
	}
	return s
}

func (g gen) ip() string {
	var s string
	switch g.r.Intn(10) {
	case 0, 1, 2:
		s = g.v4()
	case 3, 4, 5:
		s = g.v6()
	case 6:
		s = "::ffff:" + g.v4()
	default:
		s = g.special()
	}
	switch g.r.Intn(30) {
	case 0:
		s += "%" + g.pick("eth0", "lo", "1", "", "a%b", strings.Repeat("z", 32), "wlan0")
	case 1:
		s = g.pick("[", " ", "x") + s
	case 2:
		s += g.pick("]", ".", ":", " ")
	}
	return s
}

func (g gen) prefix(bits int) string {
	switch g.r.Intn(12) {
	case 0:
		return strings.Repeat("0", 1+g.r.Intn(8)) + strconv.Itoa(g.r.Intn(bits+1))
	case 1:
		return strconv.Itoa(bits + 1 + g.r.Intn(100))
	case 2:
		return g.pick("", "x", "-1", "+8", "8x", " 8", "1e1")
	case 3:
		return g.pick("255.255.254.0", "fffffe00", "ffff:ffff::")
	}
	return strconv.Itoa(g.r.Intn(bits + 1))
}

// A mask and one of its spellings for `mask ADDR MASK`.
func (g gen) mask() (net.IPMask, string) {
	var m net.IPMask
	switch g.r.Intn(8) {
	case 0: // non-contiguous
		m = make(net.IPMask, 4+12*g.r.Intn(2))
		g.r.Read(m)
	case 1, 2: // 16 bytes with 96 leading ones
		m = net.CIDRMask(96+g.r.Intn(33), 128)
	case 3:
		m = net.CIDRMask(g.r.Intn(129), 128)
	default:
		m = net.CIDRMask(g.r.Intn(33), 32)
	}
	if len(m) == 4 {
		if g.r.Intn(2) == 0 {
			return m, net.IP(m).String()
		}
		return m, g.pick("", "0x") + m.String()
	}
	if g.r.Intn(2) == 0 {
		return m, m.String()
	}
	var gs []string
	for i := 0; i < 16; i += 2 {
		gs = append(gs, fmt.Sprintf("%x", int(m[i])<<8|int(m[i+1])))
	}
	return m, strings.Join(gs, ":") // all eight groups: never read as IPv4
}

// noncontiguous: the exception for a mask with no prefix length, unless
// another applies.
func noncontiguous(w want) want {
	if w.OK && w.Fields["bits"] == "0" {
		w.except("cidr-noncontiguous")
	}
	return w
}

func (w *want) except(name string) {
	if name != "" {
		w.Except = append(w.Except, name)
	}
}

// excuses: the exception of w that excuses a difference in field (field
// "": one side accepts, the other rejects), or "".
func (w *want) excuses(field string) string {
	for _, e := range w.Except {
		if fs := excuses[e]; (field == "" && len(fs) == 0) || (field != "" && contains(fs, field)) {
			return e
		}
	}
	return ""
}

func generate(seed int64, n int, dir string) error {
	g := gen{rand.New(rand.NewSource(seed))}
	cmds, err := os.Create(filepath.Join(dir, "cmds.nr"))
	if err != nil {
		return err
	}
	defer cmds.Close()
	out, err := os.Create(filepath.Join(dir, "go.jsonl"))
	if err != nil {
		return err
	}
	defer out.Close()
	cw, ow := bufio.NewWriter(cmds), bufio.NewWriter(out)
	enc := json.NewEncoder(ow)
	for i := 0; i < n; i++ {
		var w want
		switch k := i % 10; {
		case k < 4:
			w = wantParse(g.ip())
		case k < 7:
			a := g.ip()
			bits := 32
			if strings.Contains(a, ":") {
				bits = 128
			}
			w = wantCIDR(a + "/" + g.prefix(bits))
		case k < 9:
			m, text := g.mask()
			w = wantMask(g.ip(), text, m)
		default:
			w = wantMask(g.ip(), "", nil)
		}
		w = noncontiguous(w)
		fmt.Fprintln(cw, w.Input)
		if err := enc.Encode(w); err != nil {
			return err
		}
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return ow.Flush()
}

// ---- the comparison ----

// jsonText: a netrepl JSON value as the text Go's fields hold.
func jsonText(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

func compare(dir string) error {
	wf, err := os.Open(filepath.Join(dir, "go.jsonl"))
	if err != nil {
		return err
	}
	defer wf.Close()
	nf, err := os.Open(filepath.Join(dir, "nr.jsonl"))
	if err != nil {
		return err
	}
	defer nf.Close()
	ws, ns := bufio.NewScanner(wf), bufio.NewScanner(nf)
	ws.Buffer(nil, 1<<20)
	ns.Buffer(nil, 1<<20)
	var total, match, diffs, accepted, ne int
	byCmd := map[string]int{}
	excepted, modelled := map[string]int{}, map[string]int{}
	for ws.Scan() {
		var w want
		if err := json.Unmarshal(ws.Bytes(), &w); err != nil {
			return err
		}
		total++
		byCmd[w.Cmd]++
		if w.OK {
			accepted++
		}
		if !ns.Scan() {
			return fmt.Errorf("netrepl gave %d results for %d commands", total-1, total)
		}
		var got map[string]interface{}
		d := json.NewDecoder(strings.NewReader(ns.Text()))
		d.UseNumber()
		if err := d.Decode(&got); err != nil {
			return fmt.Errorf("line %d: %v: %s", total, err, ns.Text())
		}
		if w.Model != "" {
			modelled[w.Model]++
		}
		nrOK := got["type"] != "error"
		var why []string
		excused, used := true, map[string]bool{}
		excuse := func(field string) {
			e := w.excuses(field)
			excused = excused && e != ""
			used[e] = true
		}
		if nrOK != w.OK {
			why = append(why, fmt.Sprintf("Go %s, netrepl %s", okText(w.OK), okText(nrOK)))
			if !nrOK {
				why = append(why, fmt.Sprint(got["error"]))
			}
			excuse("")
		} else if nrOK {
			keys := make([]string, 0, len(w.Fields))
			for k := range w.Fields {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if g := jsonText(got[k]); g != w.Fields[k] {
					why = append(why, fmt.Sprintf("%s: Go %q, netrepl %q", k, w.Fields[k], g))
					excuse(k)
				}
			}
		}
		switch {
		case len(why) == 0:
			match++
		case excused:
			ne++
			for e := range used {
				excepted[e]++
			}
		default:
			diffs++
			if diffs <= 25 {
				fmt.Printf("DIFF %d: %s\n     %s\n", total, w.Input, strings.Join(why, "; "))
			}
		}
	}
	if ns.Scan() {
		return fmt.Errorf("netrepl gave more results than there were commands")
	}

	fmt.Printf("godiff: %d inputs compared with Go's net (%d parse, %d mask; Go accepts %d): "+
		"%d match, %d known exceptions, %d differences\n",
		total, byCmd["parse"], byCmd["mask"], accepted, match, ne, diffs)
	names := make([]string, 0, len(excepted))
	for k := range excepted {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("  exception %-18s %5d  %s\n", k, excepted[k], exceptions[k])
	}
	for k, n := range modelled {
		fmt.Printf("  model     %-18s %5d  %s\n", k, n, models[k])
	}
	if diffs > 0 {
		return fmt.Errorf("%d differences", diffs)
	}
	return nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func okText(ok bool) string {
	if ok {
		return "accepts"
	}
	return "rejects"
}

func main() {
	var err error
	switch {
	case len(os.Args) == 5 && os.Args[1] == "gen":
		seed, e1 := strconv.ParseInt(os.Args[2], 10, 64)
		n, e2 := strconv.Atoi(os.Args[3])
		if e1 != nil || e2 != nil {
			err = fmt.Errorf("gen SEED N DIR: bad number")
			break
		}
		err = generate(seed, n, os.Args[4])
	case len(os.Args) == 3 && os.Args[1] == "compare":
		err = compare(os.Args[2])
	default:
		err = fmt.Errorf("usage: godiff gen SEED N DIR | godiff compare DIR")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "godiff:", err)
		os.Exit(1)
	}
}
