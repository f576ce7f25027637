# mxdetour export --format exchange: one send connector per rerouted domain.
# Run it in the Exchange Management Shell; running it again updates the
# connectors (Set-SendConnector) and removes those of domains that are no
# longer rerouted (every connector named "mxdetour *" is managed here).
# Caveats:
#  - a pinned IP address goes stale when the domain moves its MX: export
#    and run this again after every change (mxdetour publishes a new route
#    at once, this script does not);
#  - with an IP address as smart host, the name in the server's TLS
#    certificate does not match: opportunistic TLS still encrypts, but a
#    connector that requires a verified name (-TlsAuthLevel
#    DomainValidation) fails;
#  - a smart host is looked up by its address record, never by MX.
$ErrorActionPreference = 'Stop'
$current = @()

# ipv4.example (smtp-ipv4:): the domain's own MX by another transport; a send connector has no IPv4-only switch: not exported

# pinned.example smtp:[192.0.2.10]:25, [192.0.2.11]:25
$name = 'mxdetour pinned.example'
$current += $name
if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {
    Set-SendConnector -Identity $name -AddressSpaces 'SMTP:pinned.example;1' -SmartHosts '192.0.2.10','192.0.2.11' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None
} else {
    New-SendConnector -Name $name -AddressSpaces 'SMTP:pinned.example;1' -SmartHosts '192.0.2.10','192.0.2.11' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None -Usage Custom
}

# port.example smtp:[192.0.2.12]:2525
$name = 'mxdetour port.example'
$current += $name
if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {
    Set-SendConnector -Identity $name -AddressSpaces 'SMTP:port.example;1' -SmartHosts '192.0.2.12' -Port 2525 -DNSRoutingEnabled $false -SmartHostAuthMechanism None
} else {
    New-SendConnector -Name $name -AddressSpaces 'SMTP:port.example;1' -SmartHosts '192.0.2.12' -Port 2525 -DNSRoutingEnabled $false -SmartHostAuthMechanism None -Usage Custom
}

# relay.example relay:relay.example.net
$name = 'mxdetour relay.example'
$current += $name
if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {
    Set-SendConnector -Identity $name -AddressSpaces 'SMTP:relay.example;1' -SmartHosts 'relay.example.net' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None
} else {
    New-SendConnector -Name $name -AddressSpaces 'SMTP:relay.example;1' -SmartHosts 'relay.example.net' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None -Usage Custom
}

# .tail.example smtp:[203.0.113.25]:25
$name = 'mxdetour tail.example subdomains'
$current += $name
if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {
    Set-SendConnector -Identity $name -AddressSpaces 'SMTP:*.tail.example;1' -SmartHosts '203.0.113.25' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None
} else {
    New-SendConnector -Name $name -AddressSpaces 'SMTP:*.tail.example;1' -SmartHosts '203.0.113.25' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None -Usage Custom
}

# v6.example smtp:[2001:db8::1]:25
$name = 'mxdetour v6.example'
$current += $name
if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {
    Set-SendConnector -Identity $name -AddressSpaces 'SMTP:v6.example;1' -SmartHosts '2001:db8::1' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None
} else {
    New-SendConnector -Name $name -AddressSpaces 'SMTP:v6.example;1' -SmartHosts '2001:db8::1' -Port 25 -DNSRoutingEnabled $false -SmartHostAuthMechanism None -Usage Custom
}

Get-SendConnector | Where-Object { $_.Name -like 'mxdetour *' -and $current -notcontains $_.Name } |
    Remove-SendConnector -Confirm:$false
