//! The command line: `serve` and `init` run the service on its database; every other
//! command is an administrator's request to a running service over its HTTP API.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "backoffice",
    version,
    about = "The contact center's back office: service and administrator CLI"
)]
pub struct Cli {
    /// The service's address (else the one `login` saved, else http://127.0.0.1:8080).
    #[arg(long, global = true, env = "BACKOFFICE_URL")]
    pub url: Option<String>,
    /// Print the API's JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API, the workers and the web console (database from
    /// BACKOFFICE_DATABASE_URL).
    Serve {
        /// The built web console (default: the repository's ui/dist).
        #[arg(long)]
        console_dir: Option<std::path::PathBuf>,
    },
    /// Create an account and its first administrator (password from
    /// BACKOFFICE_ADMIN_PASSWORD), directly in the database.
    Init {
        account_id: String,
        account_name: String,
        admin_username: String,
    },
    /// Sign in; the token is saved in the session file (BACKOFFICE_SESSION, default
    /// ~/.config/backoffice/session.json). The password comes from BACKOFFICE_PASSWORD
    /// or the first line of standard input.
    Login {
        #[arg(long)]
        username: String,
    },
    /// Sign out and forget the saved token.
    Logout,
    /// Who the token belongs to.
    Whoami,
    /// Phone numbers (N1-N11).
    #[command(subcommand)]
    Numbers(NumbersCmd),
    /// Provisioning orders (N4).
    #[command(subcommand)]
    Orders(OrdersCmd),
    /// Port-in requests (N6).
    #[command(subcommand)]
    Porting(PortingCmd),
    /// Voice connectors (V1, V2).
    #[command(subcommand)]
    Connectors(ConnectorsCmd),
    /// The emergency callback pool (V3).
    #[command(subcommand)]
    Pool(PoolCmd),
    /// Callback leases (E5).
    #[command(subcommand)]
    Leases(LeasesCmd),
    /// The tenant's users (A1).
    #[command(subcommand)]
    Users(UsersCmd),
    /// Emergency alerts (E11, S2).
    #[command(subcommand)]
    Alerts(AlertsCmd),
    /// Print the API's OpenAPI document.
    Openapi,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProductType {
    BusinessCalling,
    VoiceConnector,
}

impl ProductType {
    pub fn api(self) -> &'static str {
        match self {
            Self::BusinessCalling => "BusinessCalling",
            Self::VoiceConnector => "VoiceConnector",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum NumbersCmd {
    /// Search available numbers (N3).
    Search {
        #[arg(long, default_value = "US")]
        country: String,
        #[arg(long)]
        area_code: Option<String>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        toll_free_prefix: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Order numbers for one product type (N4).
    Order {
        #[arg(long, value_enum, default_value = "business-calling")]
        product_type: ProductType,
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// The inventory.
    List,
    /// A number's details and history (N8).
    Show { e164: String },
    /// Assign to a user or to a voice connector (N7).
    Assign {
        e164: String,
        /// The user's id (`users list`), for a Business Calling number.
        #[arg(
            long,
            conflicts_with = "voice_connector",
            required_unless_present = "voice_connector"
        )]
        user: Option<String>,
        /// The voice connector's id (`connectors list`), for a Voice Connector number.
        #[arg(long)]
        voice_connector: Option<String>,
    },
    /// Back to Unassigned (N7).
    Unassign { e164: String },
    /// Change the product type of Unassigned numbers (N9).
    ProductType {
        #[arg(long, value_enum)]
        to: ProductType,
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Move Unassigned numbers to the deletion queue (N10).
    Delete {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// Bring numbers back from the deletion queue (N10).
    Restore {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    /// The deletion queue (N10).
    DeletionQueue,
}

#[derive(Debug, Subcommand)]
pub enum OrdersCmd {
    List,
    Show {
        id: String,
    },
    /// Numbers of orders still processing.
    Pending,
}

#[derive(Debug, Subcommand)]
pub enum PortingCmd {
    List,
    Show {
        id: String,
    },
    /// Submit a port-in request.
    Submit {
        #[arg(long, value_enum, default_value = "business-calling")]
        product_type: ProductType,
        /// A number and its losing carrier: `+12065550100=Carrier`.
        #[arg(long = "number", required = true)]
        numbers: Vec<String>,
        /// One letter of authorization per carrier:
        /// `carrier=..;name=..;btn=..;address=..;account=..`.
        #[arg(long = "loa", required = true)]
        loas: Vec<String>,
    },
    /// Replace a carrier's letter of authorization.
    Loa {
        id: String,
        /// `carrier=..;name=..;btn=..;address=..;account=..`.
        loa: String,
    },
    /// The losing carrier committed to a date (YYYY-MM-DD).
    Foc {
        id: String,
        date: String,
    },
    /// The port completed: the numbers reach the inventory.
    Complete {
        id: String,
    },
    /// The carrier refused the port.
    Exception {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Resubmit {
        id: String,
    },
    Cancel {
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ConnectorSettings {
    #[arg(long)]
    pub name: String,
    /// Enable termination (calls from the tenant to the public network).
    #[arg(long)]
    pub termination: bool,
    /// A network allowed to send calls, in CIDR notation (repeat).
    #[arg(long = "allow")]
    pub allowed_networks: Vec<String>,
    /// A country termination may call, ISO code (repeat).
    #[arg(long = "calling-country")]
    pub calling_countries: Vec<String>,
    #[arg(long)]
    pub default_caller: Option<String>,
    /// A SIP digest credential for termination, `username:password` (repeat).
    #[arg(long = "credential")]
    pub credentials: Vec<String>,
    /// Enable origination (calls from the public network to the tenant).
    #[arg(long)]
    pub origination: bool,
    /// An origination route `host:port:protocol:priority:weight` (repeat).
    #[arg(long = "route")]
    pub routes: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConnectorsCmd {
    List,
    Show {
        id: String,
    },
    Create(ConnectorSettings),
    /// Replace a connector's settings.
    Update {
        id: String,
        #[command(flatten)]
        settings: ConnectorSettings,
    },
    /// Emergency calling configuration (V2).
    #[command(subcommand)]
    Emergency(EmergencyCmd),
}

#[derive(Debug, Subcommand)]
pub enum EmergencyCmd {
    Set {
        id: String,
        #[arg(long)]
        routing_number: String,
        #[arg(long)]
        test_routing_number: Option<String>,
    },
    Remove {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PoolCmd {
    Show,
    Add {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
    Remove {
        #[arg(required = true)]
        numbers: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LeasesCmd {
    /// Leases active now.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Agent,
    Supervisor,
    Administrator,
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    List,
    /// Create a user; the password comes from BACKOFFICE_NEW_PASSWORD or the first line
    /// of standard input.
    Create {
        username: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    List,
    Ack { id: String },
}
