using System.Runtime.InteropServices;

namespace Marketplace.Testing;

/// <summary>POSIX signals for tests that stop, pause and kill processes the way an operator or a crash would.</summary>
public static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to a process, or to every process of a group when <paramref name="pid"/> is negative.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>Whether the process (or, for a negative id, any process of the group) still exists; a paused one does.</summary>
    public static bool Exists(int pid) => kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == EPERM;

    private const int EPERM = 1;

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // the libc name
    private static extern int kill(int pid, int sig);
#pragma warning restore SA1300, IDE1006
}
