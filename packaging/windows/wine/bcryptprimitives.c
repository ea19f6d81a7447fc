/*
 * A stand-in for bcryptprimitives.dll, for running mamori.exe under Wine only.
 *
 * Rust's standard library (1.78 and later) gets its random numbers (HashMap keys, and the
 * fallback of getrandom) from ProcessPrng in bcryptprimitives.dll, which every Windows 10/11
 * has. Wine 8.0 (Debian 12) has no such DLL, so the loader refuses the exe before main:
 *   err:module:import_dll Library bcryptprimitives.dll (which is needed by L"...mamori.exe") not found
 * and the process exits with status 53. This is a gap in Wine, not in Windows: the DLL is never
 * shipped, and packaging/windows/wine-test.sh only copies it into its throw-away Wine prefix.
 *
 * ProcessPrng(PBYTE, SIZE_T) -> BOOL (always TRUE on Windows) is answered with
 * SystemFunction036 (RtlGenRandom) from advapi32, which Wine implements over the host's
 * /dev/urandom.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll bcryptprimitives.c \
 *          bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* RtlGenRandom takes a ULONG length: feed larger requests in pieces. */
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
