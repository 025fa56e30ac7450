"""Peak resident memory of this process (the benchmark tools' children)."""
import resource


def peak_rss_mb():
    """This process's peak RSS: ``VmHWM`` (Linux; ``ru_maxrss`` would
    include the parent's RSS at fork), else ``ru_maxrss``."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
