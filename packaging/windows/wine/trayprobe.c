/*
 * The notification-area icons of a Wine prefix, for packaging/windows/wine-test.sh.
 *
 * Shell_NotifyIconW(NIM_ADD) sends the icon to Wine's explorer.exe, which (where no XEmbed tray
 * takes it) shows it as one window per icon: of class "__winex11_tray_icon" in the "Wine System
 * Tray" window (Wine 8.0, winex11's systray), or "__wine_tray_icon" (later Wine, explorer's own
 * systray). Mouse messages on that window are relayed to the application's callback window as
 * a click on the icon would be on Windows. So this probe can tell that an application's
 * Shell_NotifyIconW succeeded and click its icon through the same path:
 *
 *   trayprobe count   prints "icons N tray_window yes|no"; exit 0 when N > 0
 *   trayprobe click   a left click (button down, up) on the first icon
 *   trayprobe menu N  a right click on the first icon, then in the popup menu that opens
 *                     (class "#32768", the application's TrackPopupMenu) Down N+1 times and
 *                     Enter: the (N+1)-th entry is chosen through the menu's keyboard path
 *   trayprobe close   WM_CLOSE to the top-level window titled "Mamori" (its close button)
 *   trayprobe getrect Shell_NotifyIconGetRect on a made-up icon: prints its HRESULT; exit 1
 *                     when it is E_NOTIMPL (Wine 8.0's stub), where the tray-icon crate drops
 *                     every click (it needs the icon's rectangle for its event)
 * Exits 1 when there is no icon (or no menu within 5 s).
 *
 * Build: x86_64-w64-mingw32-gcc -O1 -s -o trayprobe.exe trayprobe.c -luser32 -lshell32
 */
#define _WIN32_WINNT 0x0601
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HWND first_icon;
static int icons;
static HWND menu_window;

static void look_at(HWND hwnd)
{
    WCHAR name[64];
    if (!GetClassNameW(hwnd, name, 64)) return;
    if (!wcscmp(name, L"__wine_tray_icon") || !wcscmp(name, L"__winex11_tray_icon")) {
        if (!first_icon) first_icon = hwnd;
        icons++;
    }
    if (!wcscmp(name, L"#32768") && IsWindowVisible(hwnd)) menu_window = hwnd;
}

static BOOL CALLBACK child(HWND hwnd, LPARAM unused)
{
    (void)unused;
    look_at(hwnd);
    return TRUE;
}

static BOOL CALLBACK top(HWND hwnd, LPARAM unused)
{
    (void)unused;
    look_at(hwnd);
    EnumChildWindows(hwnd, child, 0);
    return TRUE;
}

static void scan(void)
{
    first_icon = NULL;
    icons = 0;
    menu_window = NULL;
    EnumWindows(top, 0);
}

static void key(HWND hwnd, WPARAM vk)
{
    PostMessageW(hwnd, WM_KEYDOWN, vk, 1);
    PostMessageW(hwnd, WM_KEYUP, vk, 0xC0000001);
    Sleep(150);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "count";
    int i;

    if (!strcmp(what, "close")) {
        HWND window = FindWindowW(NULL, L"Mamori");
        if (!window) {
            printf("no window titled Mamori\n");
            return 1;
        }
        PostMessageW(window, WM_CLOSE, 0, 0);
        printf("WM_CLOSE posted to %p\n", (void *)window);
        return 0;
    }
    if (!strcmp(what, "getrect")) {
        NOTIFYICONIDENTIFIER nid = {0};
        RECT rect;
        HRESULT hr;
        nid.cbSize = sizeof(nid);
        nid.hWnd = GetDesktopWindow();
        nid.uID = 1;
        hr = Shell_NotifyIconGetRect(&nid, &rect);
        printf("Shell_NotifyIconGetRect: HRESULT 0x%08lx%s\n", (unsigned long)hr,
               hr == E_NOTIMPL ? " (E_NOTIMPL)" : "");
        return hr == E_NOTIMPL;
    }
    scan();
    if (!strcmp(what, "count")) {
        printf("icons %d tray_window %s\n", icons,
               FindWindowW(L"Shell_TrayWnd", NULL) ? "yes" : "no");
        return icons > 0 ? 0 : 1;
    }
    if (!first_icon) {
        printf("no tray icon\n");
        return 1;
    }
    if (!strcmp(what, "click")) {
        PostMessageW(first_icon, WM_LBUTTONDOWN, MK_LBUTTON, MAKELPARAM(8, 8));
        PostMessageW(first_icon, WM_LBUTTONUP, 0, MAKELPARAM(8, 8));
        printf("clicked icon %p\n", (void *)first_icon);
        return 0;
    }
    if (!strcmp(what, "menu")) {
        int entry = argc > 2 ? atoi(argv[2]) : 0;
        PostMessageW(first_icon, WM_RBUTTONDOWN, MK_RBUTTON, MAKELPARAM(8, 8));
        PostMessageW(first_icon, WM_RBUTTONUP, 0, MAKELPARAM(8, 8));
        for (i = 0; i < 50 && !menu_window; i++) {
            Sleep(100);
            scan();
        }
        if (!menu_window) {
            printf("no menu within 5 s of a right click on icon %p\n", (void *)first_icon);
            return 1;
        }
        Sleep(300);
        for (i = 0; i <= entry; i++) key(menu_window, VK_DOWN);
        key(menu_window, VK_RETURN);
        printf("menu %p: entry %d chosen\n", (void *)menu_window, entry);
        return 0;
    }
    printf("usage: trayprobe count | click | menu N | close | getrect\n");
    return 2;
}
