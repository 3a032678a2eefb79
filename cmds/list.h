/* cmds/list.h — every command descriptor, one line each (X-macro), with
 * the file that holds it. shell/cmdtab.c sorts them; help, completion and
 * the README table come from the descriptors. Add a line here when a cmds/
 * file adds a command. */
NR_CMD(cmd_accept)      /* cmds/listen.c */
NR_CMD(cmd_attach)      /* cmds/attach.c */
NR_CMD(cmd_capture)     /* cmds/capture.c */
NR_CMD(cmd_close)       /* cmds/sessions.c */
NR_CMD(cmd_dial)        /* cmds/dial.c */
NR_CMD(cmd_dns)         /* cmds/dns.c */
NR_CMD(cmd_echo)        /* cmds/basic.c */
NR_CMD(cmd_expect)      /* cmds/expect.c */
NR_CMD(cmd_help)        /* cmds/basic.c */
NR_CMD(cmd_history)     /* cmds/basic.c */
NR_CMD(cmd_info)        /* cmds/sessions.c */
NR_CMD(cmd_let)         /* cmds/vars.c */
NR_CMD(cmd_listen)      /* cmds/listen.c */
NR_CMD(cmd_lookup)      /* cmds/lookup.c */
NR_CMD(cmd_mask)        /* cmds/mask.c */
NR_CMD(cmd_parse)       /* cmds/parse.c */
NR_CMD(cmd_ping)        /* cmds/ping.c */
NR_CMD(cmd_quit)        /* cmds/basic.c */
NR_CMD(cmd_recv)        /* cmds/recv.c */
NR_CMD(cmd_resolve)     /* cmds/resolve.c */
NR_CMD(cmd_save)        /* cmds/save.c */
NR_CMD(cmd_send)        /* cmds/send.c */
NR_CMD(cmd_sessions)    /* cmds/sessions.c */
NR_CMD(cmd_set)         /* cmds/sessions.c */
NR_CMD(cmd_shutdown)    /* cmds/sessions.c */
NR_CMD(cmd_sleep)       /* cmds/basic.c */
NR_CMD(cmd_source)      /* cmds/basic.c */
NR_CMD(cmd_starttls)    /* cmds/starttls.c */
NR_CMD(cmd_subnet)      /* cmds/subnet.c */
NR_CMD(cmd_trace)       /* cmds/trace.c */
NR_CMD(cmd_use)         /* cmds/sessions.c */
NR_CMD(cmd_vars)        /* cmds/vars.c */
