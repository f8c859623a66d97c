# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_marsadm_global_optspecs
    string join \n host= mars-dir= proc-dir= dev-dir= timeout= dry-run v/verbose h/help V/version
end

function __fish_marsadm_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_marsadm_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_marsadm_using_subcommand
    set -l cmd (__fish_marsadm_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c marsadm -n "__fish_marsadm_needs_command" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_needs_command" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_needs_command" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_needs_command" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_needs_command" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_needs_command" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_needs_command" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_needs_command" -s V -l version -d 'Print version'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "create-cluster" -d 'Create a new cluster with this host as its first member'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "join-cluster" -d 'Join an existing cluster through one of its members'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "leave-cluster" -d 'Leave the cluster: tell every peer, then forget the cluster here'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "wait-cluster" -d 'Wait until one exchange round with every peer completed'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "update-cluster" -d 'Exchange the tree with every peer now (instead of within 3 s)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "create-resource" -d 'Create a resource on block device DEV; this host becomes primary'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "delete-resource" -d 'Delete a resource\'s metadata (the data on DEV is not touched)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "join-resource" -d 'Join an existing resource as a secondary, with DEV as its disk'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "leave-resource" -d 'Leave a resource on a secondary: stop replicating it here'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "invalidate" -d 'Throw away this secondary\'s copy and sync it anew from the primary'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "pause-fetch" -d 'Stop fetching logs from the primary (todo-HOST/connect = 0)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "disconnect" -d 'Stop fetching logs from the primary (todo-HOST/connect = 0)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "resume-fetch" -d 'Fetch logs from the primary again (todo-HOST/connect = 1)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "connect" -d 'Fetch logs from the primary again (todo-HOST/connect = 1)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "pause-replay" -d 'Stop replaying fetched logs onto the disk (todo-HOST/allow-replay = 0)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "resume-replay" -d 'Replay fetched logs again (todo-HOST/allow-replay = 1)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "pause-sync" -d 'Pause a running or due full sync (todo-HOST/sync = 0)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "resume-sync" -d 'Allow the full sync again (todo-HOST/sync = 1)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "up" -d 'Start a resource: attach the disk, connect and allow replay'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "down" -d 'Stop a resource: detach the disk, disconnect, stop replay'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "attach" -d 'Attach the backing disk (on a single node the same as `up`)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "detach" -d 'Detach the backing disk (refused while the device is open, unless --force)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "primary" -d 'Make this host the primary: /dev/mars/RES appears here'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "secondary" -d 'Give up the primary role: /dev/mars/RES goes away here'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "log-rotate" -d 'Start a new transaction log now (on the primary)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "log-delete" -d 'Delete logs every member has written back (never the newest one)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "cron" -d 'Housekeeping for all resources: rotate big logs, delete old ones'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view" -d 'Show the state of one or all resources, in words'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "events" -d 'Stream state changes as lines, one per changed field, until Ctrl-C'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "wait-resource" -d 'Wait until the kernel reports STATE for the resource'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "check" -d 'Monitoring check: one line, Nagios exit codes'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "metrics" -d 'Print this host\'s MARS state as Prometheus metrics (text format)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-state" -d 'Print the state word (Up, Down, Recovering, Emergency, Error, Unknown)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-role" -d 'Print the role: primary, secondary, none, or unknown'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-is-attached" -d 'Print 1 if the disk is attached, 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-is-primary" -d 'Print 1 if this host is primary (/dev/mars/RES exists here), 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-is-emergency" -d 'Print 1 if the resource is in emergency mode, 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-open-count" -d 'Print how often /dev/mars/RES is open (unknown if not reported)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-log-number" -d 'Print the current log number (unknown if not reported)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "view-writeback-lag" -d 'Print the writeback lag in bytes (log data not yet on the disk)'
complete -c marsadm -n "__fish_marsadm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l address -d 'Address other hosts reach this host at: IPv4 or IPv6, with an optional port (1.2.3.4:7777, [fd00::1]:7777); default: the first non-loopback IPv4 address. A loopback address only if given here' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l address -d 'Address other hosts reach this host at (as for create-cluster)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l secret-file -d 'The copy of a member\'s cluster secret to install as /mars/cluster-secret (default: the one already there)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l force -d 'Do not wait for the peers: leave even if some did not hear of it (they then keep listing this host)'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l wait -d 'Wait like wait-cluster'
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand update-cluster" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l size -d 'Size of /dev/mars/RES (default: all of DEV), a multiple of 4096; units K, M, G, T allowed' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand create-resource" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l force -d 'Take the resource down first if it is not'
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand delete-resource" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand join-resource" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand leave-resource" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand invalidate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand disconnect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand pause-sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l global -d 'For every member of the resource, not only this host'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand resume-sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l force -d 'Do it even if the device is open'
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand down" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand attach" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l force -d 'Do it even if the device is open'
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand detach" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l force -d 'Take the role even with an Inconsistent replica (its data is not a state the primary ever had)'
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand primary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l force -d 'Do it even if the device is open'
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand secondary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand log-delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l rotate-size -d 'Rotate the current log when it is larger than this' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand cron" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l interval -d 'Seconds between redraws with --watch' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l json -d 'Print JSON (schema: docs/schema/view.schema.json) instead of text; errors too'
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l watch -d 'Redraw every --interval seconds until Ctrl-C (on a terminal: clear and redraw; otherwise the view again and again)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l interval -d 'Seconds between looks at the kernel\'s reports' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l json -d 'One JSON object per line instead of text (docs/schema/events.schema.json); errors too'
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l once -d 'Print the current state (`exists` lines) and exit'
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand wait-resource" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l json -d 'Print JSON (schema: docs/schema/check.schema.json) instead of the one line'
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-state" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-role" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-attached" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-primary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-is-emergency" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-open-count" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-log-number" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l host -d 'This host\'s name (default: the kernel\'s node name, `uname -n`)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l mars-dir -d 'The MARS metadata directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l proc-dir -d 'The kernel module\'s control directory' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l dev-dir -d 'Where the module creates device nodes (for tests)' -r -F
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l timeout -d 'How long commands that change state wait for the kernel, in seconds [default: 60]; `none`: no limit; 0: do not wait (the result is then "not confirmed", exit code 6, unless already reported)' -r
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -l dry-run -d 'Print the changes that would be made; change nothing (commands that change state only)'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -s v -l verbose -d 'Say more about what happens (links written, states while waiting). Give it once; commands that only show state ignore it'
complete -c marsadm -n "__fish_marsadm_using_subcommand view-writeback-lag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "create-cluster" -d 'Create a new cluster with this host as its first member'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "join-cluster" -d 'Join an existing cluster through one of its members'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "leave-cluster" -d 'Leave the cluster: tell every peer, then forget the cluster here'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "wait-cluster" -d 'Wait until one exchange round with every peer completed'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "update-cluster" -d 'Exchange the tree with every peer now (instead of within 3 s)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "create-resource" -d 'Create a resource on block device DEV; this host becomes primary'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "delete-resource" -d 'Delete a resource\'s metadata (the data on DEV is not touched)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "join-resource" -d 'Join an existing resource as a secondary, with DEV as its disk'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "leave-resource" -d 'Leave a resource on a secondary: stop replicating it here'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "invalidate" -d 'Throw away this secondary\'s copy and sync it anew from the primary'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "pause-fetch" -d 'Stop fetching logs from the primary (todo-HOST/connect = 0)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "resume-fetch" -d 'Fetch logs from the primary again (todo-HOST/connect = 1)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "pause-replay" -d 'Stop replaying fetched logs onto the disk (todo-HOST/allow-replay = 0)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "resume-replay" -d 'Replay fetched logs again (todo-HOST/allow-replay = 1)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "pause-sync" -d 'Pause a running or due full sync (todo-HOST/sync = 0)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "resume-sync" -d 'Allow the full sync again (todo-HOST/sync = 1)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "up" -d 'Start a resource: attach the disk, connect and allow replay'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "down" -d 'Stop a resource: detach the disk, disconnect, stop replay'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "attach" -d 'Attach the backing disk (on a single node the same as `up`)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "detach" -d 'Detach the backing disk (refused while the device is open, unless --force)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "primary" -d 'Make this host the primary: /dev/mars/RES appears here'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "secondary" -d 'Give up the primary role: /dev/mars/RES goes away here'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "log-rotate" -d 'Start a new transaction log now (on the primary)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "log-delete" -d 'Delete logs every member has written back (never the newest one)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "cron" -d 'Housekeeping for all resources: rotate big logs, delete old ones'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view" -d 'Show the state of one or all resources, in words'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "events" -d 'Stream state changes as lines, one per changed field, until Ctrl-C'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "wait-resource" -d 'Wait until the kernel reports STATE for the resource'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "check" -d 'Monitoring check: one line, Nagios exit codes'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "metrics" -d 'Print this host\'s MARS state as Prometheus metrics (text format)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-state" -d 'Print the state word (Up, Down, Recovering, Emergency, Error, Unknown)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-role" -d 'Print the role: primary, secondary, none, or unknown'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-is-attached" -d 'Print 1 if the disk is attached, 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-is-primary" -d 'Print 1 if this host is primary (/dev/mars/RES exists here), 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-is-emergency" -d 'Print 1 if the resource is in emergency mode, 0 if not, unknown if not reported'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-open-count" -d 'Print how often /dev/mars/RES is open (unknown if not reported)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-log-number" -d 'Print the current log number (unknown if not reported)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "view-writeback-lag" -d 'Print the writeback lag in bytes (log data not yet on the disk)'
complete -c marsadm -n "__fish_marsadm_using_subcommand help; and not __fish_seen_subcommand_from create-cluster join-cluster leave-cluster wait-cluster update-cluster create-resource delete-resource join-resource leave-resource invalidate pause-fetch resume-fetch pause-replay resume-replay pause-sync resume-sync up down attach detach primary secondary log-rotate log-delete cron view events wait-resource check metrics view-state view-role view-is-attached view-is-primary view-is-emergency view-open-count view-log-number view-writeback-lag help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
