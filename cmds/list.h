/* cmds/list.h — every command descriptor, one line each (X-macro).
 * shell/cmdtab.c sorts them; help, completion and the README table come
 * from the descriptors. Add a line here when a cmds/ file adds a command. */
NR_CMD(cmd_dns)
NR_CMD(cmd_echo)
NR_CMD(cmd_help)
NR_CMD(cmd_history)
NR_CMD(cmd_lookup)
NR_CMD(cmd_ping)
NR_CMD(cmd_quit)
NR_CMD(cmd_resolve)
NR_CMD(cmd_sleep)
NR_CMD(cmd_source)
NR_CMD(cmd_parse)
NR_CMD(cmd_mask)
