/*
 * win_gen.c - synthetic Windows Security events for the XML import
 * benchmark (tests/bench/README.md): wevtutil `qe Security /f:xml` output,
 * <Event> fragments one after another with no root element.
 *
 *   win_gen [-o FILE] N SEED
 *
 * The mix: 55% 4624 logons (types 2, 3, 10; addresses from the
 * documentation ranges), 10% 4625 failures, 15% 4634 logoffs, 15% 4688
 * process creations, 5% 4672 special privileges, over 40 hosts and 300
 * accounts, one event every ~0.3 s from 2023-06-01, EventRecordIDs counting
 * per host. About 1.7 KB an event. Same N and SEED, same bytes (gen.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define BUF_CAP ((size_t)1 << 20)
#define T_START_S 1685577600   /* 2023-06-01T00:00:00Z */
#define HOSTS 40

static void flush_out(struct out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
        o->failed = 1;
    o->len = 0;
}

static void data(struct out *o, const char *name, const char *v)
{
    LIT(o, "<Data Name='");
    puts_(o, name);
    LIT(o, "'>");
    puts_(o, v);
    LIT(o, "</Data>");
}

static void data_u(struct out *o, const char *name, uint64_t v, int hex)
{
    LIT(o, "<Data Name='");
    puts_(o, name);
    LIT(o, "'>");
    if (hex) {
        char t[24];

        puts_(o, (snprintf(t, sizeof t, "0x%llx", (unsigned long long)v), t));
    } else {
        put_u64(o, v);
    }
    LIT(o, "</Data>");
}

int main(int argc, char **argv)
{
    static const unsigned ids[] = { 4624, 4624, 4624, 4624, 4624, 4624, 4624, 4624, 4624, 4624,
                                    4624, 4625, 4625, 4634, 4634, 4634, 4688, 4688, 4688, 4672 };
    static const char *const procs[] = {
        "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\cmd.exe",
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
        "C:\\Windows\\System32\\conhost.exe",
    };
    struct out o = { 0 };
    struct day dy = { INT64_MIN / 2, 0, 0, 0, "" };
    const char *path = NULL;
    uint64_t n, seed, s, i, recid[HOSTS] = { 0 };
    int64_t t_us = (int64_t)T_START_S * 1000000;
    int a = 1;
    char host[32], user[32], ip[32];

    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        path = argv[2];
        a = 3;
    }
    if (argc - a != 2 || parse_u64(argv[a], &n) != 0 || parse_u64(argv[a + 1], &seed) != 0) {
        fprintf(stderr, "usage: win_gen [-o FILE] N SEED\n");
        return 2;
    }
    o.fp = path ? fopen(path, "wb") : stdout;
    if (!o.fp) {
        perror(path);
        return 1;
    }
    o.buf = malloc(BUF_CAP);
    if (!o.buf)
        return 1;
    s = seed * 0x9e3779b97f4a7c15ULL + 7;
    for (i = 0; i < n; i++) {
        unsigned id = PICK(&s, ids), h = below(&s, HOSTS), u = below(&s, 300);
        unsigned type = PICK(&s, ((const unsigned[]){ 2, 3, 3, 3, 10 }));
        uint64_t logon = 0x100000 + (mix(&s) & 0xffffff);
        int64_t sod;

        t_us += 1 + below(&s, 600000);
        snprintf(host, sizeof host, "WS-%04u.example.org", 100 + h);
        snprintf(user, sizeof user, "user%03u", u);
        snprintf(ip, sizeof ip, "%s.%u", h % 3 == 0 ? "192.0.2" : h % 3 == 1 ? "198.51.100" : "203.0.113",
                 1 + below(&s, 250));
        LIT(&o, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                "<Provider Name='Microsoft-Windows-Security-Auditing' "
                "Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/><EventID>");
        put_u64(&o, id);
        LIT(&o, "</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
                "<Keywords>");
        puts_(&o, id == 4625 ? "0x8010000000000000" : "0x8020000000000000");
        LIT(&o, "</Keywords><TimeCreated SystemTime='");
        sod = day_of(&dy, t_us / 1000000);
        put_iso(&o, &dy, t_us / 1000000);
        putc_(&o, '.');
        put_dec(&o, (unsigned)(t_us % 1000000), 6);
        LIT(&o, "0Z'/><EventRecordID>");
        (void)sod;
        put_u64(&o, ++recid[h]);
        LIT(&o, "</EventRecordID><Correlation ActivityID='{");
        put_guid(&o, &s);
        LIT(&o, "}'/><Execution ProcessID='756' ThreadID='");
        put_u64(&o, 1000 + below(&s, 9000));
        LIT(&o, "'/><Channel>Security</Channel><Computer>");
        puts_(&o, host);
        LIT(&o, "</Computer><Security/></System><EventData>");
        data(&o, "SubjectUserSid", id == 4624 || id == 4625 ? "S-1-5-18" : "S-1-5-21-2718281828-3141592653-1618033988-1105");
        data(&o, "SubjectUserName", id == 4624 || id == 4625 ? "WS$" : user);
        data(&o, "SubjectDomainName", "EXAMPLE");
        data_u(&o, "SubjectLogonId", id == 4624 || id == 4625 ? 0x3e7 : logon, 1);
        if (id == 4624 || id == 4625 || id == 4634) {
            data(&o, "TargetUserSid", "S-1-5-21-2718281828-3141592653-1618033988-1105");
            data(&o, "TargetUserName", user);
            data(&o, "TargetDomainName", "EXAMPLE");
            if (id != 4625)
                data_u(&o, "TargetLogonId", logon, 1);
            data_u(&o, "LogonType", type, 0);
        }
        if (id == 4625) {
            data(&o, "Status", "0xc000006d");
            data(&o, "SubStatus", "0xc000006a");
        }
        if (id == 4624 || id == 4625) {
            data(&o, "LogonProcessName", type == 3 ? "NtLmSsp " : "User32 ");
            data(&o, "AuthenticationPackageName", type == 3 ? "NTLM" : "Negotiate");
            data(&o, "WorkstationName", "WS-0142");
            data(&o, "LogonGuid", "{00000000-0000-0000-0000-000000000000}");
            data(&o, "TransmittedServices", "-");
            data(&o, "LmPackageName", type == 3 ? "NTLM V2" : "-");
            data(&o, "KeyLength", type == 3 ? "128" : "0");
            data(&o, "ProcessId", "0x1a4");
            data(&o, "ProcessName", "C:\\Windows\\System32\\svchost.exe");
            data(&o, "IpAddress", type == 2 ? "-" : ip);
            data_u(&o, "IpPort", type == 2 ? 0 : 40000 + below(&s, 20000), 0);
            data(&o, "ImpersonationLevel", "%%1833");
            data(&o, "ElevatedToken", "%%1842");
        }
        if (id == 4688) {
            data_u(&o, "NewProcessId", 0x1000 + below(&s, 0xffff), 1);
            data(&o, "NewProcessName", PICK(&s, procs));
            data(&o, "TokenElevationType", "%%1938");
            data(&o, "ProcessId", "0x2c8");
            data(&o, "CommandLine", "");
            data(&o, "ParentProcessName", "C:\\Windows\\explorer.exe");
        }
        if (id == 4672)
            data(&o, "PrivilegeList", "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeDebugPrivilege");
        LIT(&o, "</EventData></Event>\r\n");
        if (o.len > BUF_CAP - 8192)
            flush_out(&o);
    }
    flush_out(&o);
    if (fflush(o.fp) != 0 || o.failed || (path && fclose(o.fp) != 0)) {
        perror(path ? path : "stdout");
        return 1;
    }
    free(o.buf);
    return 0;
}
