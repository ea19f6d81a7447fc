/* Protects stdin with DPAPI for the current Windows user, as WinAuth's "encrypt for this
 * Windows account" does (ProtectedData.Protect: no entropy, no description,
 * CRYPTPROTECT_UI_FORBIDDEN), and prints the blob as upper-case hex on stdout. Used by
 * wine-test.sh to make a winauth.xml that only this Wine prefix's user can open. */
#include <windows.h>
#include <wincrypt.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  static BYTE input[1 << 20];
  size_t len = 0, n;
  _setmode(_fileno(stdin), _O_BINARY);
  while ((n = fread(input + len, 1, sizeof input - len, stdin)) > 0) len += n;
  DATA_BLOB in = {(DWORD)len, input}, out = {0, NULL};
  if (!CryptProtectData(&in, NULL, NULL, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out)) {
    fprintf(stderr, "CryptProtectData failed: %lu\n", GetLastError());
    return 1;
  }
  for (DWORD i = 0; i < out.cbData; i++) printf("%02X", out.pbData[i]);
  printf("\n");
  LocalFree(out.pbData);
  return 0;
}
